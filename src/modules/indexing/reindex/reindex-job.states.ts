/** A reindex job's states and phases, shared by the entity and the DTO. */
export const REINDEX_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ReindexStatus = (typeof REINDEX_STATUSES)[number];

export const REINDEX_PHASES = [
  'queued',
  'preparing',
  'copying',
  'catching_up',
  'publishing',
  'done',
] as const;
export type ReindexPhase = (typeof REINDEX_PHASES)[number];
