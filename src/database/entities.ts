import { AccountTokenEntity } from '../modules/accounts/account-token.entity';
import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity';
import { SessionEntity } from '../modules/auth/sessions/session.entity';
import { RecoveryCodeEntity } from '../modules/auth/two-factor/recovery-code.entity';
import { TwoFactorChallengeEntity } from '../modules/auth/two-factor/two-factor-challenge.entity';
import { TwoFactorEntity } from '../modules/auth/two-factor/two-factor.entity';
import { IdempotencyKeyEntity } from '../modules/items/idempotency-key.entity';
import { ItemTagEntity } from '../modules/items/item-tag.entity';
import { ItemEntity } from '../modules/items/item.entity';
import { OutboxEntity } from '../modules/outbox/outbox.entity';
import { ReindexJobEntity } from '../modules/indexing/reindex/reindex-job.entity';
import { UserEntity } from '../modules/users/user.entity';

/** Every entity, for the app's DataSource and the TypeORM CLI alike. */
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  ItemEntity,
  ItemTagEntity,
  OutboxEntity,
  IdempotencyKeyEntity,
  ReindexJobEntity,
  AccountTokenEntity,
  SessionEntity,
  TwoFactorEntity,
  RecoveryCodeEntity,
  TwoFactorChallengeEntity,
];
