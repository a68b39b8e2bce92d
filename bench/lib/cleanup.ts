import { errorMessage, progress } from './log';

interface Task {
  label: string;
  run: () => Promise<void> | void;
}

const TASK_TIMEOUT_MS = 30_000;

/**
 * Undo steps, run last-in first-out (processes stop before the database they use is dropped),
 * each bounded in time; a failing step is reported and the others still run.
 */
export class Cleanup {
  private readonly tasks: Task[] = [];
  private running: Promise<void> | null = null;

  add(label: string, run: () => Promise<void> | void): void {
    this.tasks.push({ label, run });
  }

  runAll(): Promise<void> {
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    for (let task = this.tasks.pop(); task; task = this.tasks.pop()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), TASK_TIMEOUT_MS);
      });
      try {
        await Promise.race([Promise.resolve().then(task.run), timeout]);
      } catch (error) {
        progress(`cleanup: ${task.label} failed: ${errorMessage(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
