/**
 * SIGTERM/SIGINT handling shared by main.ts and worker.ts (in place of enableShutdownHooks, which
 * re-raises the signal): runs `stop` once, exits 0 when it has finished, and exits 1 (logged) if it
 * fails or is still running after `graceMs`, so a stuck dependency cannot hold the process.
 */
export function onShutdownSignals(options: {
  graceMs: number;
  process: string;
  stop: (signal: NodeJS.Signals) => Promise<void>;
}): void {
  const { graceMs, stop } = options;
  let stopping = false;
  const log = (event: string, extra: Record<string, unknown> = {}): void => {
    process.stdout.write(
      `${JSON.stringify({ time: Date.now(), process: options.process, event, ...extra })}\n`,
    );
  };
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log('shutdown.started', { signal, graceMs });
    setTimeout(() => {
      log('shutdown.grace_exceeded', { graceMs });
      process.exit(1);
    }, graceMs).unref();
    stop(signal).then(
      () => {
        log('shutdown.completed', { ms: Date.now() - started });
        process.exit(0);
      },
      (error: unknown) => {
        log('shutdown.failed', { error: (error as Error)?.message ?? String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
