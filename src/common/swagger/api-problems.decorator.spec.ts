import { codesByStatus } from './api-problems.decorator';

describe('codesByStatus', () => {
  it('gives a bare status every code answered with it', () => {
    expect(codesByStatus([412])).toEqual(new Map([[412, ['precondition_failed']]]));
    expect(codesByStatus([404]).get(404)).toEqual([
      'not_found',
      'session_not_found',
      'route_not_found',
    ]);
  });

  it('narrows a status to the codes named for it, keeping the order statuses were named', () => {
    const byStatus = codesByStatus([400, 'item_not_deleted', 'item_version_conflict', 404]);
    expect([...byStatus.keys()]).toEqual([400, 409, 404]);
    expect(byStatus.get(409)).toEqual(['item_not_deleted', 'item_version_conflict']);
    expect(byStatus.get(400)).toContain('validation_failed');
  });
});
