/** Progress goes to stderr so that stdout carries only the results table. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
