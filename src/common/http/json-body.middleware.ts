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
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!METHODS_WITH_BODY.has(req.method) || !hasBody(req)) return next();
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!JSON_TYPE.test(type)) {
      return sendProblem(req, res, {
        code: 'unsupported_media_type',
        detail: 'Request bodies must be JSON (Content-Type: application/json).',
      });
    }
    parse(req, res, (err?: unknown) => {
      if (err) {
        const e = err as BodyParserError;
        if (e.type === 'entity.too.large') {
          return sendProblem(req, res, {
            code: 'payload_too_large',
            detail: `The request body is larger than the limit of ${limit}.`,
          });
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
