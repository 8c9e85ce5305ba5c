import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '@aftersales/core';

/**
 * Why a department, its log, its keys or its read models could not be opened. Every variant says
 * what is wrong in `message`, in words a user can act on; the code is for callers that branch.
 */
export type ServiceError =
  /** The options given to `openDepartment` are not of the shape it takes (a program written without the types, or a value read from outside). */
  | { readonly code: 'InvalidOptions'; readonly message: string }
  /** A store or read-models URL that names no known kind of store, or a connection string that does not parse. */
  | { readonly code: 'InvalidStoreUrl'; readonly message: string }
  /** `mustExist` was asked and there is no SQLite file at `path`. */
  | { readonly code: 'StoreMissing'; readonly path: string; readonly message: string }
  /** The URL names a store whose adapter (an optional peer dependency) is not installed. */
  | { readonly code: 'AdapterMissing'; readonly adapter: string; readonly message: string }
  /** The store answered with a failure when it was opened or asked for its settings. */
  | { readonly code: 'StoreFailed'; readonly error: DomainError; readonly message: string }
  /** The log holds encrypted personal data (or is bound to a key store) and its keys file is missing or empty. */
  | { readonly code: 'KeysMissing'; readonly path: string; readonly message: string }
  /** The keys file is another key store than the one the log was written with. */
  | { readonly code: 'ForeignKeys'; readonly path: string; readonly message: string }
  /** The keys file named is the log's own events file. */
  | { readonly code: 'KeysInLog'; readonly path: string; readonly message: string }
  /** The keys file cannot be opened as a key store, or its id cannot be read. */
  | { readonly code: 'KeysUnusable'; readonly path: string; readonly message: string };

export const invalidStoreUrl = (message: string): ServiceError => ({ code: 'InvalidStoreUrl', message });

/** A store failure, worded as the command line has always printed it. */
export const storeFailed = (error: DomainError): ServiceError => ({ code: 'StoreFailed', error, message: `store error (${error.code}): ${error.message}` });

/** Thrown inside this package only, to leave nested steps early; every public function returns it as a `Left`. */
class ServiceFailure extends Error {
  constructor(readonly error: ServiceError) {
    super(error.message);
    this.name = 'ServiceFailure';
  }
}

/** Leaves the step under way with `error`, which the public function around it returns as a `Left`. */
export const fail = (error: ServiceError): never => {
  throw new ServiceFailure(error);
};

/** The `Right` of `result`, or leaves the step under way with its `Left`. */
export const orFail = <A>(result: E.Either<ServiceError, A>): A => (E.isLeft(result) ? fail(result.left) : result.right);

/** The `Right` of a store's answer, or leaves the step under way with its failure. */
export const orStoreFailure = <A>(result: E.Either<DomainError, A>): A => (E.isLeft(result) ? fail(storeFailed(result.left)) : result.right);

/** Runs `work`, turning a `ServiceFailure` it throws into a `Left`; anything else is a bug and stays thrown. */
export const failuresAsValues = async <A>(work: () => Promise<A>): Promise<E.Either<ServiceError, A>> => {
  try {
    return E.right(await work());
  } catch (thrown) {
    if (thrown instanceof ServiceFailure) return E.left(thrown.error);
    throw thrown;
  }
};
