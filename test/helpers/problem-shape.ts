import type { Problem } from '../../src/common/errors/problem';

/** The fields a validation problem names, in the order it names them. */
export const fieldsOf = (problem: Problem): string[] => (problem.errors ?? []).map((e) => e.field);

/** A problem without what names the request (instance, requestId): what a client can compare. */
export function shapeOf(problem: Problem): Omit<Problem, 'instance' | 'requestId'> {
  const rest: Partial<Problem> = { ...problem };
  delete rest.instance;
  delete rest.requestId;
  return rest as Omit<Problem, 'instance' | 'requestId'>;
}
