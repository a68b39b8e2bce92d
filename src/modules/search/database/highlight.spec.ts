import { highlightItem } from './highlight';

describe('highlightItem', () => {
  it('wraps matched words (by prefix, ignoring accents) after escaping HTML', () => {
    expect(highlightItem({ title: '<b>Zürich</b> & more', body: 'none' }, ['zuri'])).toEqual({
      title: ['&lt;b&gt;<em>Zürich</em>&lt;/b&gt; &amp; more'],
    });
  });

  it('cuts body fragments around matches without splitting an emoji', () => {
    const body = `${'😀'.repeat(100)} target ${'x '.repeat(200)} target end`;
    const { body: fragments, title } = highlightItem({ title: 'none', body }, ['target']);
    expect(title).toBeUndefined();
    expect(fragments).toHaveLength(2);
    for (const f of fragments ?? []) {
      expect(f).toContain('<em>target</em>');
      expect(f).not.toMatch(
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
      );
    }
  });

  it('returns nothing without words', () => {
    expect(highlightItem({ title: 'a', body: 'b' }, [])).toEqual({});
  });
});
