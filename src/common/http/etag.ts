/**
 * Strong ETags derived from a resource id and its version: `"<id>.v<version>"`.
 * If-Match uses strong comparison (a weak tag never matches); If-None-Match uses weak comparison.
 */
export function etagOf(id: string, version: number): string {
  return `"${id}.v${version}"`;
}

function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** True when an If-None-Match header matches the current tag (so the answer is 304). */
export function noneMatchHits(header: string | undefined, current: string): boolean {
  if (!header) return false;
  return tags(header).some((t) => t === '*' || t.replace(/^W\//, '') === current);
}

/** True when an If-Match header allows the change (absent header: no precondition). */
export function matchAllows(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  return tags(header).some((t) => t === '*' || t === current);
}
