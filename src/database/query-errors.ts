import { QueryFailedError } from 'typeorm';

function driverCode(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) return undefined;
  return (error.driverError as { code?: unknown } | undefined)?.code;
}

/** A write refused by a unique or primary key (MySQL/MariaDB or SQLite). */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverCode(error);
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * A delete refused because other rows still reference the row. SQLite enforces an ON DELETE
 * RESTRICT through an internal trigger, so that refusal comes as SQLITE_CONSTRAINT_TRIGGER.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = driverCode(error);
  if (code === 'ER_ROW_IS_REFERENCED_2' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
  return (
    code === 'SQLITE_CONSTRAINT_TRIGGER' &&
    error instanceof Error &&
    error.message.includes('FOREIGN KEY constraint failed')
  );
}
