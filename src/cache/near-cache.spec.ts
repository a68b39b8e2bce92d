import { NearCache } from './near-cache';

describe('NearCache', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('serves an entry until its TTL, then forgets it', () => {
    const near = new NearCache(100, 10, clock);
    near.set('a', { v: 1 });
    now += 99;
    expect(near.get('a')).toEqual({ v: 1 });
    now += 1;
    expect(near.get('a')).toBeUndefined();
  });

  it('keeps at most maxEntries, forgetting the least recently used', () => {
    const near = new NearCache(1000, 2, clock);
    near.set('a', { v: 'a' });
    near.set('b', { v: 'b' });
    near.get('a');
    near.set('c', { v: 'c' });
    expect(near.get('b')).toBeUndefined();
    expect(near.get('a')).toEqual({ v: 'a' });
    expect(near.get('c')).toEqual({ v: 'c' });
  });

  it('freezes what it stores, since every reader shares it', () => {
    const near = new NearCache(1000, 10, clock);
    near.set('a', { tags: ['x'] });
    const value = near.get<{ tags: string[] }>('a');
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value?.tags)).toBe(true);
  });

  it('stores nothing with a TTL of 0', () => {
    const near = new NearCache(0, 10, clock);
    near.set('a', { v: 1 });
    expect(near.get('a')).toBeUndefined();
  });

  it('marks a read stale when its key was invalidated after the read began, not before', () => {
    const near = new NearCache(1000, 10, clock);
    near.invalidate(['a']);
    const ticket = near.begin();
    expect(near.isStale('a', ticket)).toBe(false);
    near.invalidate(['b']);
    expect(near.isStale('a', ticket)).toBe(false);
    near.invalidate(['a']);
    expect(near.isStale('a', ticket)).toBe(true);
    expect(near.isStale('a', near.begin())).toBe(false);
  });

  it('drops invalidated entries, and clear() drops all and makes every read in flight stale', () => {
    const near = new NearCache(1000, 10, clock);
    near.set('a', { v: 1 });
    near.set('b', { v: 2 });
    near.invalidate(['a']);
    expect(near.get('a')).toBeUndefined();
    const ticket = near.begin();
    near.clear();
    expect(near.get('b')).toBeUndefined();
    expect(near.isStale('b', ticket)).toBe(true);
  });

  it('counts a read as stale once the bounded log may have dropped its key', () => {
    const near = new NearCache(1000, 2, clock);
    const ticket = near.begin();
    near.invalidate(['a']);
    near.invalidate(['b']);
    near.invalidate(['c']); // drops 'a' from the log
    expect(near.isStale('a', ticket)).toBe(true);
    expect(near.isStale('z', ticket)).toBe(true);
    expect(near.isStale('z', near.begin())).toBe(false);
  });
});
