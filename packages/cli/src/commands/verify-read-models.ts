import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { InMemoryKeyStore } from '@aftersales/core';
import { departmentEventPipeline } from '@aftersales/domain';
import type { ReadModelVerification } from '@aftersales/read-models';
import { SqliteReadModelBackend, verifyReadModels } from '@aftersales/read-models';
import { openSqliteDatabase } from '@aftersales/sqlite';
import { storeError } from '../cli-error.js';
import { describeReadModels, openReadModels, readModelError } from '../read-models.js';
import type { OpenedStore } from '../store-url.js';

const ROWS_SHOWN = 20;

export interface ReadModelsCheck {
  /** Whether stored read models were found and compared. */
  readonly checked: boolean;
  /** Whether they differ from a replay of the log (or their head is not in it): tampering of the read side. */
  readonly tampered: boolean;
  readonly lines: readonly string[];
  readonly verification?: ReadModelVerification;
}

/**
 * Replays the verified log into a temporary SQLite file, up to the stored read models' checkpoint,
 * and compares them row by row. The stored read models are not changed.
 */
export const checkReadModels = async (opened: OpenedStore, url: string | undefined): Promise<ReadModelsCheck> => {
  const { models, location, close } = await openReadModels(opened, url);
  const folder = mkdtempSync(join(tmpdir(), 'aftersales-verify-'));
  const scratchFile = openSqliteDatabase(join(folder, 'replay.db'));
  if (E.isLeft(scratchFile)) throw storeError(scratchFile.left);
  try {
    // The replay needs no key: read models hold no personal data, so customers' fields read as
    // unavailable give the same rows, and a verification never depends on the keys file.
    const keyless = departmentEventPipeline(opened.raw, new InMemoryKeyStore());
    const verified = await verifyReadModels({ store: keyless, stored: models.backend, scratch: new SqliteReadModelBackend(scratchFile.right) });
    if (E.isLeft(verified)) throw readModelError(verified.left);
    const result = verified.right;
    if (result.position === undefined && result.heads.length === 0) return { checked: false, tampered: false, lines: [`read models: none stored in ${describeReadModels(location)}`], verification: result };
    const lines: string[] = [];
    for (const head of result.heads) lines.push(`READ MODEL NOT COMPARED: ${head.readModel}: ${head.problem}`);
    if (result.differenceCount > 0) {
      lines.push(`READ MODELS TAMPERED: ${result.differenceCount} row(s) differ from a replay of the log up to position ${result.position}:`);
      for (const difference of result.differences.slice(0, ROWS_SHOWN)) {
        lines.push(`  ${difference.readModel} ${difference.table} ${JSON.stringify(difference.key.replace('\u0000', ' '))}: ${difference.kind === 'changed' ? 'changed' : difference.kind === 'extra' ? 'not in the replay' : 'missing'}`);
      }
      if (result.differenceCount > ROWS_SHOWN) lines.push(`  … and ${result.differenceCount - ROWS_SHOWN} more (--json lists up to 100)`);
    }
    if (lines.length === 0) lines.push(`read models: ${result.rowsCompared} row(s) equal to a replay of the log up to position ${result.position}`);
    return { checked: true, tampered: result.heads.length > 0 || result.differenceCount > 0, lines, verification: result };
  } finally {
    scratchFile.right.close();
    rmSync(folder, { recursive: true, force: true });
    await close();
  }
};
