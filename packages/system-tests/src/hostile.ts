import fc from 'fast-check';
import { simulateYear } from '@aftersales/domain/simulation';

/** One valid command of every type the department accepts, the ground that hostile inputs are made from. */
export const validCommands = (): Record<string, unknown>[] => {
  const byType = new Map<string, Record<string, unknown>>();
  for (const command of simulateYear({ seed: 5, orders: 12 })) {
    if (!byType.has(command.type)) byType.set(command.type, JSON.parse(JSON.stringify(command)) as Record<string, unknown>);
  }
  byType.set('RetireStandard', {
    type: 'RetireStandard',
    data: { standardId: 'STD-RETIRE', reason: 'replaced by a new standard' },
    metadata: { commandId: 'retire-1', actor: { id: 'DM-01', role: 'DepartmentManager' }, at: '2026-12-30T09:00:00+08:00' },
  });
  return [...byType.values()];
};

type Path = readonly (string | number)[];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every place in a value: its leaves, and its objects (where a key can be added or removed). */
const places = (value: unknown, path: Path = []): { path: Path; value: unknown }[] => {
  const here = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((item, index) => places(item, [...path, index]))];
  if (isObject(value)) return [here, ...Object.entries(value).flatMap(([key, item]) => places(item, [...path, key]))];
  return [here];
};

const setAt = (root: unknown, path: Path, update: (parent: Record<string | number, unknown>, key: string | number) => void): void => {
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  update(parent, path[path.length - 1]!);
};

export const INVALID_INSTANTS = [
  '2026-02-30T09:00:00+08:00',
  '2026-13-01T09:00:00+08:00',
  '2026-03-02T25:00:00Z',
  '2026-03-02T09:00:00',
  '2026-03-02',
  'yesterday',
  '',
  '2026-03-02T09:00:00+08:00 ',
  '+0202026-03-02T09:00:00Z',
] as const;

/** Numbers no field accepts (but a score's fraction): money is whole, non-negative fen; every other number is bounded too. */
export const BAD_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.5, 0.5, 1.5, -1e21, 1e308] as const;

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '$where', ''] as const;

const deeplyNested = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = kind === 'array' ? [value] : { nested: value };
  return value;
};

export type Mutation =
  | { readonly kind: 'wrongType'; readonly replacement: unknown }
  | { readonly kind: 'missing' }
  | { readonly kind: 'extra'; readonly key: string }
  | { readonly kind: 'huge'; readonly length: number }
  | { readonly kind: 'deep'; readonly depth: number; readonly shape: 'array' | 'object' }
  | { readonly kind: 'badNumber'; readonly number: number }
  | { readonly kind: 'badInstant'; readonly instant: string };

export interface HostileCommand {
  readonly command: unknown;
  /** Where the problem is, dotted as validation issues name it (`data.lines.0.amount`). */
  readonly path: string;
  readonly mutation: Mutation;
  readonly type: string;
}

const INSTANT_FIELDS = new Set(['at', 'promisedBy', 'dueBy']);

const applies = (mutation: Mutation, path: Path, value: unknown): boolean => {
  const last = path[path.length - 1];
  switch (mutation.kind) {
    case 'wrongType':
    case 'deep':
      return path.length > 0;
    case 'missing':
      return typeof last === 'string';
    case 'extra':
      return isObject(value);
    case 'huge':
      return typeof value === 'string' && path.length > 0;
    case 'badNumber':
      return typeof value === 'number';
    case 'badInstant':
      return typeof last === 'string' && INSTANT_FIELDS.has(last);
  }
};

const OPTIONAL_METADATA: ReadonlySet<string> = new Set(['correlationId', 'causationId', 'traceparent', 'tracestate']);

/** DOMAIN.md's optional data fields: an issue's order, a draft's kind. */
const OPTIONAL_DATA: Readonly<Record<string, readonly string[]>> = { RaiseIssue: ['orderId'], DraftStandard: ['kind'] };

/**
 * Applies one mutation at one place of a valid command, so that exactly one thing is wrong and the
 * test knows where. Returns undefined when the mutation does not apply to that place (a number
 * mutation on a string, an instant mutation on a name).
 */
export const mutate = (valid: Record<string, unknown>, placeIndex: number, mutation: Mutation): HostileCommand | undefined => {
  const command = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  // The place is picked among those the mutation applies to, so that rare kinds (numbers, instants) are tried often.
  const all = places(command).filter(({ path, value }) => applies(mutation, path, value));
  if (all.length === 0) return undefined;
  const place = all[placeIndex % all.length]!;
  const { path, value } = place;
  const dotted = path.join('.');
  const last = path[path.length - 1];
  const result = (): HostileCommand => ({ command, path: dotted, mutation, type: String(valid['type']) });
  switch (mutation.kind) {
    case 'wrongType': {
      if (path.length === 0) return undefined;
      if (typeof mutation.replacement === typeof value && Array.isArray(mutation.replacement) === Array.isArray(value)) return undefined;
      if (isObject(value) && isObject(mutation.replacement)) return undefined;
      setAt(command, path, (parent, key) => (parent[key] = mutation.replacement));
      return result();
    }
    case 'missing': {
      if (path.length === 0 || typeof last !== 'string') return undefined;
      // Optional fields may be left out (the metadata's correlation and causation ids and trace
      // context, a few data fields), and scores may name any criteria.
      if (OPTIONAL_METADATA.has(last) || path[path.length - 2] === 'scores') return undefined;
      if (path[0] === 'data' && path.length === 2 && OPTIONAL_DATA[String(valid['type'])]?.includes(last)) return undefined;
      setAt(command, path, (parent, key) => delete parent[key]);
      return result();
    }
    case 'extra': {
      if (!isObject(value)) return undefined;
      // defineProperty, as JSON.parse does: an own `__proto__` key, not a changed prototype.
      Object.defineProperty(value, mutation.key, { value: { injected: true }, enumerable: true, configurable: true, writable: true });
      return result();
    }
    case 'huge': {
      if (typeof value !== 'string' || path.length === 0) return undefined;
      setAt(command, path, (parent, key) => (parent[key] = `${value}${'界'.repeat(mutation.length)}`));
      return result();
    }
    case 'deep': {
      if (path.length === 0) return undefined;
      setAt(command, path, (parent, key) => (parent[key] = deeplyNested(mutation.depth, mutation.shape)));
      return result();
    }
    case 'badNumber': {
      if (typeof value !== 'number') return undefined;
      // Scores are marks on a 0–100 scale, where 87.5 is a fine mark: only money and counts must be whole.
      const isScore = last === 'score' || last === 'passMark' || path[path.length - 2] === 'scores';
      if (isScore && mutation.number >= 0 && mutation.number <= 100) return undefined;
      setAt(command, path, (parent, key) => (parent[key] = mutation.number));
      return result();
    }
    case 'badInstant': {
      if (typeof last !== 'string' || !INSTANT_FIELDS.has(last)) return undefined;
      setAt(command, path, (parent, key) => (parent[key] = mutation.instant));
      return result();
    }
  }
};

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('wrongType' as const),
    replacement: fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.constant([]), fc.constant({}), fc.array(fc.integer(), { minLength: 1, maxLength: 3 })),
  }),
  fc.constant({ kind: 'missing' as const }),
  fc.record({ kind: fc.constant('extra' as const), key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ minLength: 1, maxLength: 12 })) }),
  fc.record({ kind: fc.constant('huge' as const), length: fc.constantFrom(2_001, 10_000, 200_000) }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.constantFrom(50, 1_000, 5_000), shape: fc.constantFrom('array' as const, 'object' as const) }),
  fc.record({ kind: fc.constant('badNumber' as const), number: fc.constantFrom(...BAD_NUMBERS) }),
  fc.record({ kind: fc.constant('badInstant' as const), instant: fc.constantFrom(...INVALID_INSTANTS) }),
);

/** A hostile command: a valid one of any type with one thing wrong in it. */
export const hostileArbitrary = (valid: readonly Record<string, unknown>[]): fc.Arbitrary<HostileCommand> =>
  fc
    .tuple(fc.nat(valid.length - 1), fc.nat(400), mutationArbitrary)
    .map(([commandIndex, placeIndex, mutation]) => mutate(valid[commandIndex]!, placeIndex, mutation))
    .filter((hostile): hostile is HostileCommand => hostile !== undefined);
