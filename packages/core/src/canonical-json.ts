/**
 * A canonical JSON form: object keys sorted by code unit, no insignificant whitespace, `undefined`
 * members dropped. Two structurally equal values always give the same string, so it can be hashed.
 * Built by concatenation rather than arrays and joins: it runs for every event appended and verified.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`cannot canonicalize the non-finite number ${String(value)}`);
    }
    if (typeof value === 'bigint') return value.toString();
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let json = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) json += ',';
      json += canonicalJson(value[index] ?? null);
    }
    return `${json}]`;
  }
  return canonicalJsonWithout(value);
};

/**
 * The canonical form of an object as if it lacked the members named in `omitted`: what a hash
 * stored beside its content covers.
 */
export const canonicalJsonWithout = (record: object, omitted?: ReadonlySet<string>): string => {
  let json = '{';
  for (const key of Object.keys(record).sort()) {
    const member = (record as Readonly<Record<string, unknown>>)[key];
    if (member === undefined || omitted?.has(key) === true) continue;
    if (json.length > 1) json += ',';
    json += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${json}}`;
};
