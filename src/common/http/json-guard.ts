/** Limits a parsed JSON body must respect before validation sees it. */
export interface JsonLimits {
  maxDepth: number;
  maxNodes: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxNodes: 10_000 };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks a parsed JSON value without recursion and returns the first reason it is hostile
 * (too deep, too many values, or a prototype-polluting key), or null when it is acceptable.
 */
export function findHostileJson(
  value: unknown,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): string | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    nodes += 1;
    if (nodes > limits.maxNodes) return `the body has more than ${limits.maxNodes} values`;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limits.maxDepth) return `the body is nested deeper than ${limits.maxDepth} levels`;
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed`;
      stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return null;
}
