import { Batcher } from './batcher';

describe('Batcher', () => {
  it('flushes at the size limit and settles each item with its own outcome', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number>(
      (items) => {
        batches.push(items);
        return Promise.resolve(items.map((n) => (n % 2 === 0 ? new Error(`even ${n}`) : null)));
      },
      3,
      10_000,
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('flushes after the wait and fails every item when the batch throws', async () => {
    const batcher = new Batcher<number>(() => Promise.reject(new Error('down')), 100, 5);
    await expect(Promise.all([batcher.add(1), batcher.add(2)])).rejects.toThrow('down');
  });
});
