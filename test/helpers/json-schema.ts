type Schema = Record<string, unknown>;

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * The JSON Schema subset the AsyncAPI document uses (type, required, properties,
 * additionalProperties: false, items, enum, const, oneOf, format uuid/date-time, local $ref): the
 * list of problems of `value`, empty when it conforms. Small on purpose: the tests check that what
 * Keel sends matches what its document says, and an unknown keyword fails loudly.
 */
export function schemaErrors(root: Schema, schema: Schema, value: unknown, at = '$'): string[] {
  const known = new Set([
    ...['$ref', 'type', 'required', 'properties', 'additionalProperties', 'items', 'enum'],
    ...['const', 'oneOf', 'format', 'description', 'minimum'],
  ]);
  for (const key of Object.keys(schema)) {
    if (!known.has(key)) return [`${at}: schema keyword '${key}' is not supported by this checker`];
  }
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, part) => (node as Schema | undefined)?.[part], root);
    if (!target) return [`${at}: unresolved ${schema.$ref}`];
    return schemaErrors(root, target as Schema, value, at);
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter(
      (option) => schemaErrors(root, option, value, at).length === 0,
    );
    return passing.length === 1 ? [] : [`${at}: matches ${passing.length} of oneOf`];
  }
  const errors: string[] = [];
  const actual = typeOf(value);
  if (
    schema.type &&
    schema.type !== actual &&
    !(schema.type === 'number' && actual === 'integer')
  ) {
    return [`${at}: expected ${JSON.stringify(schema.type)}, got ${actual}`];
  }
  if ('const' in schema && value !== schema.const)
    errors.push(`${at}: expected ${String(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not in enum`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) {
    errors.push(`${at}: below ${schema.minimum}`);
  }
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format && typeof value === 'string' && !format.test(value)) {
    errors.push(`${at}: not a ${String(schema.format)}`);
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) errors.push(`${at}.${name}: missing`);
    }
    for (const [name, item] of Object.entries(object)) {
      const property = properties[name];
      if (property) errors.push(...schemaErrors(root, property, item, `${at}.${name}`));
      else if (schema.additionalProperties === false)
        errors.push(`${at}.${name}: not in the schema`);
    }
  }
  if (actual === 'array' && schema.items) {
    (value as unknown[]).forEach((item, i) =>
      errors.push(...schemaErrors(root, schema.items as Schema, item, `${at}[${i}]`)),
    );
  }
  return errors;
}
