import * as E from 'fp-ts/lib/Either.js';
import { InMemoryEventStore, InMemoryKeyStore, verifyLog } from '@aftersales/core';
import { departmentCommands, departmentEventPipeline } from '@aftersales/domain';
import { simulateYear } from '@aftersales/domain/simulation';

/**
 * A simulated department year for report tests, recorded through the whole pipeline (personal data
 * encrypted, refusals in the security log). The store's clock records each command an hour after its
 * business time, so `knownAt` has something to cut. The store and the command side are the ones
 * `@aftersales/service`'s `openDepartment` composes (`departmentEventPipeline`, `departmentCommands`),
 * over an in-memory store with a clock of its own: that package sits above this one.
 */
export const simulatedLog = async (orders = 120, seed = 7) => {
  let recordedAt = new Date('2026-01-01T00:00:00Z');
  const raw = new InMemoryEventStore({ clock: () => recordedAt });
  const keyStore = new InMemoryKeyStore(Buffer.alloc(32, 1));
  const store = departmentEventPipeline(raw, keyStore);
  const department = departmentCommands(store);
  for (const command of simulateYear({ seed, orders })) {
    recordedAt = new Date(Date.parse(command.metadata.at) + 3_600_000);
    await department.handleUntrusted(command);
  }
  const verified = await verifyLog(raw);
  if (E.isLeft(verified)) throw new Error(verified.left.message);
  return { raw, store, keyStore, verification: verified.right };
};
