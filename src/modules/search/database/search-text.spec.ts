import { foldWord, fts5Query, mysqlBooleanQuery, searchWords } from './search-text';

describe('search text', () => {
  it('keeps only letters and digits, so no operator survives', () => {
    expect(searchWords('+foo -bar* "baz" (qux) ~x <y> @2 a\\b c/d')).toEqual([
      'foo',
      'bar',
      'baz',
      'qux',
      'x',
      'y',
      '2',
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(searchWords('😀 "" ** -- ()')).toEqual([]);
    expect(searchWords('Zu\u0308rich naïve')).toEqual(['Zürich', 'naïve']);
  });

  it('builds a boolean-mode query InnoDB can answer', () => {
    expect(mysqlBooleanQuery(['quick', 'brown', 'foxes'])).toBe('+quick +brown +foxes*');
    expect(mysqlBooleanQuery(['the', 'of', 'ab', 'zurich'])).toBe('+zurich*');
    expect(mysqlBooleanQuery(['to', 'be'])).toBeNull();
    expect(mysqlBooleanQuery(['x'.repeat(85)])).toBeNull();
  });

  it('builds an FTS5 query of quoted words, the last a prefix', () => {
    expect(fts5Query(['quick', 'fox'])).toBe('"quick" "fox"*');
    expect(fts5Query([])).toBeNull();
  });

  it('folds case and accents', () => {
    expect(foldWord('NAÏVE')).toBe('naive');
  });
});
