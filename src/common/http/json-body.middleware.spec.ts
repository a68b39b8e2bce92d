import { limitInBytes } from './json-body.middleware';

describe('limitInBytes', () => {
  it.each([
    ['512b', 512],
    ['100kb', 100 * 1024],
    ['2mb', 2 * 1024 * 1024],
    ['1MB', 1024 * 1024],
  ])('reads %s as %d bytes (body-parser counts in powers of 1024)', (limit, bytes) => {
    expect(limitInBytes(limit)).toBe(bytes);
  });

  it('refuses anything else', () => {
    expect(() => limitInBytes('lots')).toThrow(/not a body size/);
  });
});
