import type Redis from 'ioredis';
import type { Cleanup } from './cleanup';
import type { BenchInfra } from './keel';
import type { Measurement } from './load';
import { problemsOf } from './load';
import type { BenchSettings } from './settings';
import type { ScenarioResult } from './table';

export interface SuiteContext {
  settings: BenchSettings;
  infra: BenchInfra;
  cleanup: Cleanup;
  /** short random id of this run, used in names (users, keys) */
  runId: string;
  /** the bench's own Redis connection (setup and checks, never under measurement) */
  redis: Redis;
}

export interface BenchSuite {
  name: string;
  run(ctx: SuiteContext): Promise<ScenarioResult[]>;
}

export function wants(settings: BenchSettings, scenario: string): boolean {
  return settings.scenarios.length === 0 || settings.scenarios.includes(scenario);
}

/** Puts a Keel measurement next to its baseline and judges it against the goal. */
export function scenarioResult(input: {
  id: string;
  title: string;
  keel: Measurement;
  baseline?: Measurement;
  goal?: number;
  notes?: string[];
  /** why the run does not measure what its row claims (the verdict is then 'invalid') */
  invalidBecause?: string;
  /** most server CPU per request Keel may use (ms), judged with the ratio goal when both are set */
  cpuGoal?: { ms: number; why: string };
  /** the status every request must get, for a scenario that measures an error answer */
  expectedStatus?: number;
}): ScenarioResult {
  const baseline = input.baseline ?? null;
  const goal = input.goal ?? null;
  const ratio =
    baseline && baseline.requestsPerSecond > 0
      ? input.keel.requestsPerSecond / baseline.requestsPerSecond
      : null;
  const notes = [...(input.notes ?? [])];
  const cpu = (m: Measurement): string =>
    m.serverCpuMsPerRequest === null ? '?' : `${m.serverCpuMsPerRequest.toFixed(2)} ms`;
  notes.unshift(
    `server CPU per request: Keel ${cpu(input.keel)}` +
      (baseline ? `, baseline ${cpu(baseline)}` : ''),
  );
  const keelProblems = problemsOf(input.keel, input.expectedStatus);
  const baselineProblems = baseline ? problemsOf(baseline) : null;
  if (keelProblems) notes.push(`Keel run invalid: ${keelProblems}`);
  if (baselineProblems) notes.push(`baseline run invalid: ${baselineProblems}`);
  if (input.invalidBecause) notes.push(`run invalid: ${input.invalidBecause}`);
  const judged: boolean[] = [];
  if (goal !== null && ratio !== null) judged.push(ratio >= goal);
  if (input.cpuGoal) {
    const used = input.keel.serverCpuMsPerRequest;
    const met = used !== null && used <= input.cpuGoal.ms;
    judged.push(met);
    notes.push(
      `CPU goal: at most ${input.cpuGoal.ms.toFixed(3)} ms per request (${input.cpuGoal.why}): ` +
        (met ? 'pass' : 'fail'),
    );
  }
  const verdict =
    keelProblems || baselineProblems || input.invalidBecause
      ? 'invalid'
      : judged.length === 0
        ? '-'
        : judged.every(Boolean)
          ? 'pass'
          : 'fail';
  return {
    id: input.id,
    title: input.title,
    keel: input.keel,
    baseline,
    ratio,
    goal,
    verdict,
    notes,
  };
}
