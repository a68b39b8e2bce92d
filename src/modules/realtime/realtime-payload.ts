import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

/** Validates a message body against a DTO; returns the instance or a one-line reason. */
export async function parsePayload<T extends object>(
  type: new () => T,
  body: unknown,
): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'The message body must be a JSON object.' };
  }
  const value = plainToInstance(type, body);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length === 0) return { ok: true, value };
  const message = errors
    .map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`)
    .join(' | ');
  return { ok: false, message };
}
