import type { DefaultEventsMap, Socket } from 'socket.io';
import type { AuthUser } from '../../common/auth/role';
import type { TokenBucket } from './token-bucket';

/** What the server keeps per socket (in the process the socket is connected to). */
export interface SocketState {
  user: AuthUser;
  /** Of the token the socket is currently authenticated with, epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  /** Item ids whose rooms the socket joined. */
  items: Set<string>;
  feed: boolean;
  bucket: TokenBucket;
  expiryTimer?: NodeJS.Timeout;
  graceTimer?: NodeJS.Timeout;
}

export type RealtimeSocket = Socket<
  DefaultEventsMap,
  DefaultEventsMap,
  DefaultEventsMap,
  SocketState
>;

/** The access token from `auth.token` (with or without "Bearer ") or the Authorization header. */
export function handshakeToken(socket: Socket): string | null {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  const fromAuth = typeof auth?.token === 'string' ? auth.token : undefined;
  const header = socket.handshake.headers.authorization;
  const raw = fromAuth ?? (typeof header === 'string' ? header : undefined);
  if (!raw) return null;
  const token = raw.replace(/^Bearer\s+/i, '').trim();
  return token.length > 0 ? token : null;
}
