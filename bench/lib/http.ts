export interface JsonRequest {
  method?: 'GET' | 'POST' | 'PATCH';
  token?: string;
  body?: unknown;
  /** statuses accepted; anything else throws with the response body */
  expect: number[];
}

export interface JsonResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** One JSON request with a deadline (setup and checks only; load goes through autocannon). */
export async function requestJson(url: string, request: JsonRequest): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: request.method ?? 'GET',
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!request.expect.includes(res.status)) {
    throw new Error(`${request.method ?? 'GET'} ${url} answered ${res.status}: ${text}`);
  }
  return {
    status: res.status,
    body: text === '' ? null : (JSON.parse(text) as unknown),
    headers: res.headers,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, field: string): string {
  const v = isRecord(value) ? value[field] : undefined;
  if (typeof v !== 'string')
    throw new Error(`expected a string "${field}" in ${JSON.stringify(value)}`);
  return v;
}

/** Runs `task` for every input with at most `concurrency` in flight; results keep input order. */
export async function mapLimited<T, R>(
  inputs: readonly T[],
  concurrency: number,
  task: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < inputs.length; i = next++) results[i] = await task(inputs[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  return results;
}
