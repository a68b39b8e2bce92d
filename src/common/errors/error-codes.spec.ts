import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_ERROR_CODES, codesWithStatus, ERROR_CODES } from './error-codes';

/** The rows of the table under "## Codes" in docs/errors.md: code, status, meaning. */
function documentedCodes(): Array<{ code: string; status: number; meaning: string }> {
  const markdown = readFileSync(join(__dirname, '../../../docs/errors.md'), 'utf8');
  const section = markdown.split(/^## Codes$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .map((line) => /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|\s*(.+?)\s*\|$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, code, status, meaning]) => ({ code, status: Number(status), meaning }));
}

describe('error codes', () => {
  it('docs/errors.md lists exactly the codes of ERROR_CODES, with the same status and meaning', () => {
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(0);
    expect(documented).toEqual(
      ALL_ERROR_CODES.map((code) => ({
        code,
        status: ERROR_CODES[code].status,
        meaning: ERROR_CODES[code].description,
      })),
    );
  });

  it('are snake_case and answered with an error status', () => {
    for (const code of ALL_ERROR_CODES) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(ERROR_CODES[code].status).toBeGreaterThanOrEqual(400);
      expect(ERROR_CODES[code].status).toBeLessThan(600);
    }
  });

  it('keeps the codes the GraphQL layer will map to, and gives each conflict its own', () => {
    for (const code of ['validation_failed', 'not_found', 'forbidden', 'token_expired'] as const) {
      expect(ERROR_CODES[code]).toBeDefined();
    }
    expect(codesWithStatus(409)).toEqual(
      expect.arrayContaining([
        'email_taken',
        'cannot_change_own_admin_access',
        'user_owns_items',
        'item_version_conflict',
        'item_not_deleted',
        'idempotency_key_reused',
        'reindex_already_active',
      ]),
    );
  });
});
