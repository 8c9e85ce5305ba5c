import * as E from 'fp-ts/lib/Either.js';
import type { ProjectionSnapshot, ProjectionStore } from '../projection.js';
import { secondWriter } from '../projection.js';

/**
 * A projection store that keeps only JSON text, as a database would, so nothing is shared between a
 * saved state and the live one: a projection whose state does not survive `serialize` and
 * `deserialize` shows it here.
 */
export class JsonProjectionStore implements ProjectionStore {
  readonly rows = new Map<string, string>();

  async load(name: string) {
    const row = this.rows.get(name);
    if (row === undefined) return E.right(undefined);
    const parsed = JSON.parse(row) as { state: unknown; position: string };
    return E.right({ state: parsed.state, position: BigInt(parsed.position) });
  }

  async save(name: string, snapshot: ProjectionSnapshot, expected: bigint | undefined) {
    const row = this.rows.get(name);
    const current = row === undefined ? undefined : BigInt((JSON.parse(row) as { position: string }).position);
    if (current !== expected) return E.left(secondWriter(name, expected, current));
    this.rows.set(name, JSON.stringify({ state: snapshot.state, position: snapshot.position.toString() }));
    return E.right(undefined);
  }

  async reset(name: string) {
    this.rows.delete(name);
    return E.right(undefined);
  }
}
