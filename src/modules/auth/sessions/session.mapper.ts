import type { SessionDto } from './session.dto';
import type { SessionEntity } from './session.entity';

export function toSessionDto(session: SessionEntity, currentId: string | undefined): SessionDto {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    ip: session.ip,
    userAgent: session.userAgent,
    current: session.id === currentId,
  };
}
