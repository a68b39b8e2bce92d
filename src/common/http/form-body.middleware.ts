import { urlencoded } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from '../errors/problem';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Bodies of HTML form posts (the account pages under /account): form-encoded only, flat fields
 * (no nested objects), within the body limit. Anything else is refused as problem+json, like the
 * JSON middleware does for the API.
 */
export function formBodyMiddleware(limit: string): RequestHandler {
  const parse = urlencoded({ extended: false, limit, parameterLimit: 20, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST') return next();
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== FORM_TYPE) {
      return sendProblem(req, res, {
        code: 'unsupported_media_type',
        detail: `Form posts must be ${FORM_TYPE}.`,
      });
    }
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const tooLarge = (err as { type?: string }).type === 'entity.too.large';
      return sendProblem(req, res, {
        code: tooLarge ? 'payload_too_large' : 'bad_request',
        detail: tooLarge
          ? `The form is larger than the limit of ${limit}.`
          : 'The form is not valid.',
      });
    });
  };
}
