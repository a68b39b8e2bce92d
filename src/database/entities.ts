import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity';
import { UserEntity } from '../modules/users/user.entity';

/** Every entity, for the app's DataSource and the TypeORM CLI alike. */
export const ENTITIES = [UserEntity, RefreshTokenEntity];
