import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from '../errors/problem';
import { findHostileJson } from './json-guard';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json$/i;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** BODY_LIMIT ("100kb", "2mb", "512b"; validated at boot) in bytes, as body-parser counts them. */
export function limitInBytes(limit: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(limit.trim());
  if (!match) throw new Error(`not a body size: ${limit}`);
  return Number(match[1]) * UNITS[match[2].toLowerCase()];
}

/** An uncompressed body whose announced length is over the limit. */
function announcedTooLarge(req: Request, maxBytes: number): boolean {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  return encoding === 'identity' && Number(req.headers['content-length']) > maxBytes;
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * JSON-only request bodies: other content types get 415, malformed JSON 400, a body over the limit
 * 413, and hostile JSON (very deep, very large, prototype keys) 400, all as problem+json and before
 * any route code or validation runs.
 */
export function jsonBodyMiddleware(limit: string): RequestHandler {
  const parse = json({ limit, strict: false, type: () => true });
  const maxBytes = limitInBytes(limit);
  const tooLarge = `The request body is larger than the limit of ${limit}.`;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!METHODS_WITH_BODY.has(req.method) || !hasBody(req)) return next();
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!JSON_TYPE.test(type)) {
      return sendProblem(req, res, {
        code: 'unsupported_media_type',
        detail: 'Request bodies must be JSON (Content-Type: application/json).',
      });
    }
    if (announcedTooLarge(req, maxBytes)) {
      // Answered at once: body-parser would first read and discard the whole announced body
      // (a client announcing a gigabyte would wait for its 413 until the request timeout). The
      // unread body makes the connection unusable, so it is closed after the answer.
      res.setHeader('Connection', 'close');
      return sendProblem(req, res, { code: 'payload_too_large', detail: tooLarge });
    }
    parse(req, res, (err?: unknown) => {
      if (err) {
        const e = err as BodyParserError;
        if (e.type === 'entity.too.large') {
          return sendProblem(req, res, { code: 'payload_too_large', detail: tooLarge });
        }
        if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
          return sendProblem(req, res, {
            code: 'unsupported_media_type',
            detail: 'The request body must be UTF-8 JSON.',
          });
        }
        return sendProblem(req, res, {
          code: 'malformed_json',
          detail: 'The request body is not valid JSON.',
        });
      }
      const hostile = findHostileJson(req.body);
      if (hostile) {
        return sendProblem(req, res, { code: 'hostile_json', detail: `Refused: ${hostile}.` });
      }
      next();
    });
  };
}
