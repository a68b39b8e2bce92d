import { findHostileJson } from './json-guard';

describe('findHostileJson', () => {
  it('accepts ordinary bodies', () => {
    expect(
      findHostileJson({ title: 'x', tags: ['a', 'b'], nested: { ok: [1, { two: 2 }] } }),
    ).toBeNull();
    expect(findHostileJson(null)).toBeNull();
    expect(findHostileJson('text')).toBeNull();
  });

  it('refuses deep nesting without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findHostileJson(deep)).toMatch(/nested deeper than 32/);
  });

  it('refuses too many values', () => {
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    expect(findHostileJson(wide)).toMatch(/more than 10000 values/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s at any depth', (key) => {
    const body = JSON.parse(`{"a":{"b":[{"${key}":{"isAdmin":true}}]}}`) as unknown;
    expect(findHostileJson(body)).toContain(key);
  });
});
