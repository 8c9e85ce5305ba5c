import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { ServiceError } from './errors.js';

const method = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { message: 'must be a function' });

/** What `openDepartment` can use as a store given in code: an object with the port's methods. */
const GivenStore = z.looseObject({ appendToStream: method, readStream: method, readAll: method, subscribeToAll: method, close: method });

const Location = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('sqlite'), path: z.string().min(1) }),
  z.looseObject({ kind: z.literal('memory') }),
  z.looseObject({ kind: z.literal('esdb'), connectionString: z.string().min(1) }),
]);

const Backend = z.looseObject({ kind: z.enum(['memory', 'sqlite', 'postgresql']), open: method });

/**
 * The options `openDepartment` takes, as a program written without the types (or against another
 * version) may pass them: what cannot be used is named before anything is opened.
 */
const DepartmentOptions = z.looseObject({
  store: z.union([z.string(), Location, GivenStore], { message: 'must be a store URL, a location ({ kind: "sqlite", path } …) or an EventStore' }),
  readModels: z.union([z.string(), Backend], { message: 'must be a read-models URL or a ReadModelBackend' }).optional(),
  // The shape only: the rules themselves are the read models' to judge, and the default version starts before any business year.
  kpiConfig: z.array(z.looseObject({ effectiveFrom: z.string() }), { message: 'must be an array of settings versions' }).min(1).optional(),
  telemetry: z.boolean().optional(),
  snapshotEvery: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  keyStore: z.looseObject({ activeKey: method, key: method }).optional(),
  mustExist: z.boolean().optional(),
  clock: method.optional(),
  keys: z.enum(['none', 'readOnly', 'readWrite']).optional(),
  keysPath: z.string().min(1).optional(),
  keysName: z.string().min(1).optional(),
});

const invalidOptions = (problem: string): ServiceError => ({ code: 'InvalidOptions', message: `openDepartment: ${problem}` });

/** What is wrong with the options given to `openDepartment`, if anything: a `Left` naming each field, never a throw. */
export const checkDepartmentOptions = (options: unknown): E.Either<ServiceError, void> => {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return E.left(invalidOptions('the options must be an object with at least `store`'));
  const parsed = DepartmentOptions.safeParse(options);
  return parsed.success ? E.right(undefined) : E.left(invalidOptions(parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'options'}: ${issue.message}`).join('; ')));
};
