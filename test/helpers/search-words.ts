import { randomInt } from 'node:crypto';

/** A made-up word of 10 letters (≥ 4 for InnoDB's token size, never a stopword), unique per call. */
export function searchWord(): string {
  const letters = 'bcdfghjklmnpqrstvwxz';
  let w = 'q';
  for (let i = 0; i < 9; i += 1) w += letters[randomInt(letters.length)];
  return w;
}
