import { AppError } from '../errors/app-error';
import { cursorField, decodeCursor, encodeCursor } from './cursor';

const fields = [cursorField.instant, cursorField.uuid];
const id = '3f1c1f1e-2f47-4f8e-9d4b-6c1f0a6f8b11';

describe('keyset cursor', () => {
  it('round-trips the values it encodes', () => {
    const values = ['2026-11-26T12:00:00.123Z', id];
    expect(decodeCursor(encodeCursor(values), fields)).toEqual(values);
  });

  it.each([
    ['not base64 json', 'Zm9v!!'],
    ['wrong arity', encodeCursor(['2026-11-26T12:00:00.123Z'])],
    ['bad instant', encodeCursor(['yesterday', id])],
    ['impossible date', encodeCursor(['2026-13-45T12:00:00.000Z', id])],
    ['bad id', encodeCursor(['2026-11-26T12:00:00.123Z', "1' OR '1'='1"])],
    ['an object', Buffer.from('{"a":1}').toString('base64url')],
  ])('refuses %s with invalid_cursor', (_label, raw) => {
    expect(() => decodeCursor(raw, fields)).toThrow(AppError);
    try {
      decodeCursor(raw, fields);
    } catch (error) {
      expect((error as AppError).code).toBe('invalid_cursor');
    }
  });
});
