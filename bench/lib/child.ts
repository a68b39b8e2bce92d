import { ChildProcess, spawn } from 'node:child_process';
import { progress } from './log';

export interface ChildSpec {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const OUTPUT_LINES = 60;

/**
 * A Node process started by the bench (Keel or a baseline server). Its output is kept (last lines
 * only) to explain a failure; stop() sends SIGTERM, then SIGKILL after a grace period.
 */
export class ManagedChild {
  private readonly lines: string[] = [];
  private readonly exited: Promise<void>;
  private exitStatus: string | null = null;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.lines.push(line);
        if (this.lines.length > OUTPUT_LINES) this.lines.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = signal ? `signal ${signal}` : `code ${code ?? '?'}`;
        resolve();
      });
      child.once('error', (error) => {
        this.exitStatus = `spawn error: ${error.message}`;
        resolve();
      });
    });
  }

  static start(spec: ChildSpec): ManagedChild {
    const child = spawn(process.execPath, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    progress(`started ${spec.name} (pid ${child.pid ?? '?'})`);
    return new ManagedChild(spec.name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** null while running, else how it ended */
  get exit(): string | null {
    return this.exitStatus;
  }

  recentOutput(): string {
    return this.lines.join('\n');
  }

  async stop(graceMs = 15_000): Promise<void> {
    if (this.exitStatus !== null) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!graceful) {
      progress(`${this.name} did not exit within ${graceMs} ms; killing it`);
      this.child.kill('SIGKILL');
      await this.exited;
    }
    progress(`stopped ${this.name} (${this.exitStatus ?? 'unknown'})`);
  }
}
