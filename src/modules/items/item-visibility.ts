import type { AuthUser } from '../../common/auth/role';
import type { ItemStatus } from './item.entity';

interface Visible {
  ownerId: string;
  status: ItemStatus;
}

/** Published items are readable by every signed-in user; the rest only by the owner and admins. */
export function canRead(viewer: AuthUser, item: Visible): boolean {
  return item.status === 'published' || canChange(viewer, item);
}

export function canChange(viewer: AuthUser, item: Pick<Visible, 'ownerId'>): boolean {
  return viewer.role === 'admin' || item.ownerId === viewer.id;
}
