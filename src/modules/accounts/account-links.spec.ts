import { describeDuration } from './account-links';

describe('describeDuration', () => {
  it.each([
    [3600, '1 hour'],
    [48 * 3600, '48 hours'],
    [60, '1 minute'],
    [30 * 60, '30 minutes'],
    [90 * 60, '90 minutes'],
  ])('%i seconds reads "%s"', (seconds, text) => {
    expect(describeDuration(seconds)).toBe(text);
  });
});
