import type { Measurement } from './load';

export interface ScenarioResult {
  id: string;
  title: string;
  keel: Measurement;
  baseline: Measurement | null;
  /** Keel req/s ÷ baseline req/s */
  ratio: number | null;
  /** minimum ratio the issue asks for */
  goal: number | null;
  /** 'pass' | 'fail' against the goal, '-' without one, 'invalid' when a run had errors */
  verdict: 'pass' | 'fail' | '-' | 'invalid';
  notes: string[];
  /** CPU per request by layer, from a profiled run of the same load (BENCH_LAYERS) */
  layers?: string[];
}

const fixed = (n: number, digits: number): string => n.toFixed(digits);

function rowOf(r: ScenarioResult): string[] {
  const b = r.baseline;
  return [
    `${r.id}) ${r.title}`,
    fixed(r.keel.requestsPerSecond, 0),
    fixed(r.keel.latencyP50Ms, 0),
    fixed(r.keel.latencyP99Ms, 0),
    b ? fixed(b.requestsPerSecond, 0) : '-',
    b ? fixed(b.latencyP50Ms, 0) : '-',
    b ? fixed(b.latencyP99Ms, 0) : '-',
    r.ratio === null ? '-' : fixed(r.ratio, 2),
    r.goal === null ? '-' : `≥ ${fixed(r.goal, 2)}`,
    r.verdict,
  ];
}

const HEADER = [
  'scenario',
  'Keel req/s',
  'p50 ms',
  'p99 ms',
  'baseline req/s',
  'p50',
  'p99',
  'Keel/baseline',
  'goal',
  'result',
];

/** A plain-text table; the first column is left-aligned, the figures right-aligned. */
export function formatTable(results: ScenarioResult[]): string {
  const rows = [HEADER, ...results.map(rowOf)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  const notes = results.flatMap((r) => r.notes.map((n) => `  ${r.id}) ${n}`));
  return [
    line(HEADER),
    rule,
    ...rows.slice(1).map(line),
    ...(notes.length ? ['', ...notes] : []),
    ...results.flatMap((r) => (r.layers ? ['', ...r.layers] : [])),
  ].join('\n');
}
