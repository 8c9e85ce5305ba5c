import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { ProjectionSnapshot, ProjectionStore, StoreError, StoreUnavailable } from '@aftersales/core';
import type { SecondWriter } from '@aftersales/core/adapter-kit';
import { storeUnavailable } from '@aftersales/core';
import { secondWriter } from '@aftersales/core/adapter-kit';
import type { Connection, SqliteOptions } from './database.js';
import { describeThrown, openConnection, unavailable } from './database.js';

interface ProjectionRow {
  readonly state: string;
  readonly position: bigint;
}

interface Statements {
  readonly load: Database.Statement<[string], ProjectionRow>;
  readonly position: Database.Statement<[string], { readonly position: bigint }>;
  readonly insert: Database.Statement<[string, string, bigint, string]>;
  readonly update: Database.Statement<[string, bigint, string, string, bigint]>;
  readonly reset: Database.Statement<[string]>;
}

/**
 * Projection state and checkpoints in a SQLite file, usually the events' own file, so a restarted
 * process resumes each read model from its checkpoint instead of rebuilding it.
 */
export class SqliteProjectionStore implements ProjectionStore {
  readonly dbSystem = 'sqlite';
  private readonly statements: Statements;

  private constructor(
    private readonly db: Connection,
    private readonly busyTimeoutMs: number,
    private readonly ownsConnection: boolean,
  ) {
    this.statements = {
      load: db.prepare<[string], ProjectionRow>('SELECT state, position FROM projections WHERE name = ?').safeIntegers(true),
      position: db.prepare<[string], { readonly position: bigint }>('SELECT position FROM projections WHERE name = ?').safeIntegers(true),
      // Each save is one statement, so the compare and the set are one transaction.
      insert: db.prepare('INSERT INTO projections (name, state, position, saved_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING'),
      update: db.prepare('UPDATE projections SET state = ?, position = ?, saved_at = ? WHERE name = ? AND position = ?'),
      reset: db.prepare('DELETE FROM projections WHERE name = ?'),
    };
  }

  /** Opens (creating if needed) a store file of its own connection; close it with `close()`. */
  static open(path: string, options: SqliteOptions = {}): E.Either<StoreUnavailable, SqliteProjectionStore> {
    return E.map((db: Connection) => new SqliteProjectionStore(db, options.busyTimeoutMs ?? 5000, true))(openConnection(path, options));
  }

  /** @internal Shares an event store's connection; closing the event store closes it. */
  static onConnection(db: Connection, busyTimeoutMs: number): SqliteProjectionStore {
    return new SqliteProjectionStore(db, busyTimeoutMs, false);
  }

  async load(name: string): Promise<E.Either<StoreError, ProjectionSnapshot | undefined>> {
    const row = this.run(`loading projection ${name}`, () => this.statements.load.get(name));
    if (E.isLeft(row)) return row;
    if (row.right === undefined) return E.right(undefined);
    try {
      return E.right({ state: JSON.parse(row.right.state), position: row.right.position });
    } catch (thrown) {
      return E.left(storeUnavailable(`projection ${name}: the saved state is not JSON (${describeThrown(thrown)}); rebuild the projection`));
    }
  }

  async save(name: string, snapshot: ProjectionSnapshot, expected: bigint | undefined): Promise<E.Either<StoreError | SecondWriter, void>> {
    let state: string | undefined;
    try {
      state = JSON.stringify(snapshot.state);
    } catch (thrown) {
      return E.left(storeUnavailable(`projection ${name}: the state is not JSON (${describeThrown(thrown)})`, thrown));
    }
    if (state === undefined) return E.left(storeUnavailable(`projection ${name}: the state is not JSON`));
    const json = state;
    const savedAt = new Date().toISOString();
    const changed = this.run(`saving projection ${name}`, () =>
      expected === undefined
        ? this.statements.insert.run(name, json, snapshot.position, savedAt).changes
        : this.statements.update.run(json, snapshot.position, savedAt, name, expected).changes,
    );
    if (E.isLeft(changed)) return changed;
    if (changed.right === 1) return E.right(undefined);
    const found = this.run(`loading projection ${name}`, () => this.statements.position.get(name)?.position);
    return E.left(secondWriter(name, expected, E.isRight(found) ? found.right : undefined));
  }

  async reset(name: string): Promise<E.Either<StoreError, void>> {
    const deleted = this.run(`resetting projection ${name}`, () => this.statements.reset.run(name));
    return E.map(() => undefined)(deleted);
  }

  /** Closes the connection if this store opened it; a store sharing an event store's connection leaves it open. */
  async close(): Promise<void> {
    if (this.ownsConnection && this.db.open) this.db.close();
  }

  private run<A>(doing: string, step: () => A): E.Either<StoreUnavailable, A> {
    try {
      return E.right(step());
    } catch (thrown) {
      return E.left(unavailable(doing, thrown, this.busyTimeoutMs));
    }
  }
}
