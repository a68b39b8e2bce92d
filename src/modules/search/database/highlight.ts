import { foldWord } from './search-text';

const TOKEN = /[\p{L}\p{N}]+/gu;
const BODY_FRAGMENT_CHARS = 160;
const MAX_BODY_FRAGMENTS = 3;

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Moves a cut point off the middle of a surrogate pair, so a fragment never splits an emoji. */
function notInsidePair(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return at > 0 && at < text.length && code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
}

interface Span {
  start: number;
  end: number;
}

/** Where words of `text` start with one of the (folded) query words. */
function matchesIn(text: string, folded: string[]): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const token = foldWord(m[0]);
    if (folded.some((w) => token.startsWith(w))) {
      spans.push({ start: m.index, end: m.index + m[0].length });
    }
  }
  return spans;
}

/** `text[from, to)` HTML-escaped, with the matched words inside it wrapped in <em></em>. */
function mark(text: string, spans: Span[], from: number, to: number): string {
  let out = '';
  let at = from;
  for (const s of spans) {
    if (s.end <= from || s.start >= to) continue;
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    out +=
      escapeHtml(text.slice(at, start)) + '<em>' + escapeHtml(text.slice(start, end)) + '</em>';
    at = end;
  }
  return out + escapeHtml(text.slice(at, to));
}

/**
 * Highlights computed from the stored text, the same on both database engines: the whole title and
 * up to three body fragments around matches, HTML-escaped, matched words in <em>. A field with no
 * match is left out.
 */
export function highlightItem(
  item: { title: string; body: string },
  words: string[],
): { title?: string[]; body?: string[] } {
  const folded = [...new Set(words.map(foldWord).filter((w) => w.length > 0))];
  if (folded.length === 0) return {};
  const result: { title?: string[]; body?: string[] } = {};

  const titleSpans = matchesIn(item.title, folded);
  if (titleSpans.length > 0) result.title = [mark(item.title, titleSpans, 0, item.title.length)];

  const bodySpans = matchesIn(item.body, folded);
  const fragments: string[] = [];
  let coveredTo = 0;
  for (const span of bodySpans) {
    if (fragments.length >= MAX_BODY_FRAGMENTS) break;
    if (span.start < coveredTo) continue;
    const from = notInsidePair(
      item.body,
      Math.max(coveredTo, span.start - BODY_FRAGMENT_CHARS / 2),
    );
    const to = notInsidePair(item.body, Math.min(item.body.length, from + BODY_FRAGMENT_CHARS));
    fragments.push(mark(item.body, bodySpans, from, to));
    coveredTo = to;
  }
  if (fragments.length > 0) result.body = fragments;
  return result;
}
