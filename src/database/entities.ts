import { AccountTokenEntity } from '../modules/accounts/account-token.entity';
import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity';
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
];
