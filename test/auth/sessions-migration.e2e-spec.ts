import { randomUUID } from 'node:crypto';
import { useUnmigratedDataSource } from '../helpers/unmigrated-data-source';

/**
 * The sessions migration gives every refresh-token family still open a session row (so users
 * signed in before the upgrade can list and end their sessions), and none to ended families.
 */
describe('migration: sessions and two-factor', () => {
  const ds = useUnmigratedDataSource();

  it('backfills one session per open family, and reverts', async () => {
    await ds().runMigrations({ transaction: 'each' });
    await ds().undoLastMigration({ transaction: 'each' });
    const qr = ds().createQueryRunner();
    expect(await qr.hasTable('sessions')).toBe(false);
    await qr.release();

    const userId = randomUUID();
    const at = (ms: number): Date => new Date(Date.UTC(2026, 0, 1) + ms);
    await ds()
      .createQueryBuilder()
      .insert()
      .into('users')
      .values({
        id: userId,
        email: `${userId}@example.test`,
        passwordHash: 'x',
        displayName: 'Before',
        role: 'user',
        isActive: true,
        createdAt: at(0),
        updatedAt: at(0),
      })
      .execute();
    const token = (familyId: string, ms: number, revoked: boolean) => ({
      id: randomUUID(),
      userId,
      familyId,
      tokenHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      expiresAt: at(ms + 1_000_000),
      usedAt: null,
      revokedAt: revoked ? at(ms + 1) : null,
      createdAt: at(ms),
    });
    const open = randomUUID();
    const ended = randomUUID();
    await ds()
      .createQueryBuilder()
      .insert()
      .into('refresh_tokens')
      .values([token(open, 1000, false), token(open, 5000, false), token(ended, 2000, true)])
      .execute();

    await ds().runMigrations({ transaction: 'each' });
    const rows = await ds()
      .createQueryBuilder()
      .select(['s.id AS id', 's.user_id AS userId'])
      .from('sessions', 's')
      .getRawMany<{ id: string; userId: string }>();
    expect(rows).toEqual([{ id: open, userId }]);
  });
});
