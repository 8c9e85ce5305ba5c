/**
 * Reads and writes a record by an id taken from event data. Ids are free text, and `__proto__` as a
 * plain property key would reach the prototype instead of an entry, so entries are own properties.
 */
export const entryOf = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);
export const putEntry = <V>(record: Record<string, V>, key: string, value: V): void => {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
};
