/**
 * User search text reduced to plain words. Only runs of Unicode letters and digits survive, so no
 * boolean-mode or FTS5 operator (+ - < > ( ) ~ * " @ \ / : ^ NEAR …) can reach the engine, and
 * emoji or punctuation alone leave nothing (an empty query).
 */
const WORD = /[\p{L}\p{N}]+/gu;
/** Enough for any real query; bounds the size of the generated match expression. */
const MAX_WORDS = 32;

export function searchWords(text: string): string[] {
  return (text.normalize('NFC').match(WORD) ?? []).slice(0, MAX_WORDS);
}

/** Lower-case without diacritics: how both engines compare words (used for highlighting). */
export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/**
 * InnoDB's default stopword list (INNODB_FT_DEFAULT_STOPWORD, the same on MariaDB): a required
 * stopword can never match, so it is left out of the boolean query.
 */
const INNODB_STOPWORDS = new Set(
  (
    'a about an are as at be by com de en for from how i in is it la of on or that the this to ' +
    'was what when where who will with und www'
  ).split(' '),
);
/** innodb_ft_min_token_size and innodb_ft_max_token_size defaults: other words are not indexed. */
const INNODB_MIN_TOKEN = 3;
const INNODB_MAX_TOKEN = 84;

/**
 * A MySQL/MariaDB `AGAINST (… IN BOOLEAN MODE)` expression requiring every word, the last one as a
 * prefix (type-as-you-search). Words InnoDB does not index (shorter than 3 characters, longer than
 * 84, or stopwords) are dropped; null when no indexable word is left.
 */
export function mysqlBooleanQuery(words: string[]): string | null {
  const usable = words.filter((w) => {
    const length = [...w].length;
    return (
      length >= INNODB_MIN_TOKEN &&
      length <= INNODB_MAX_TOKEN &&
      !INNODB_STOPWORDS.has(w.toLowerCase())
    );
  });
  if (usable.length === 0) return null;
  return usable.map((w, i) => `+${w}${i === usable.length - 1 ? '*' : ''}`).join(' ');
}

/**
 * An FTS5 MATCH expression requiring every word: each a quoted string (quotes doubled, though the
 * word regex never lets one through), the last one a prefix query. Null for no words.
 */
export function fts5Query(words: string[]): string | null {
  if (words.length === 0) return null;
  return words
    .map((w, i) => `"${w.replace(/"/g, '""')}"${i === words.length - 1 ? '*' : ''}`)
    .join(' ');
}
