import * as E from 'fp-ts/lib/Either.js';
import { InMemoryEventStore, InMemoryKeyStore, createSecurityLog, verifyLog } from '@aftersales/core';
import { createDepartment, departmentEventPipeline } from '@aftersales/domain';
import { simulateYear } from '@aftersales/domain/simulation';

/**
 * A simulated department year for report tests, recorded through the whole pipeline (personal data
 * encrypted, refusals in the security log). The store's clock records each command an hour after its
 * business time, so `knownAt` has something to cut. The store is the department's own
 * (`departmentEventPipeline`), the one `@aftersales/service` opens: that package sits above this one,
 * so its `openDepartment` cannot be called from here.
 */
export const simulatedLog = async (orders = 120, seed = 7) => {
  let recordedAt = new Date('2026-01-01T00:00:00Z');
  const raw = new InMemoryEventStore({ clock: () => recordedAt });
  const keyStore = new InMemoryKeyStore(Buffer.alloc(32, 1));
  const store = departmentEventPipeline(raw, keyStore);
  const department = createDepartment({ store, onRefused: createSecurityLog({ store }).onRefused });
  for (const command of simulateYear({ seed, orders })) {
    recordedAt = new Date(Date.parse(command.metadata.at) + 3_600_000);
    await department.handleUntrusted(command);
  }
  const verified = await verifyLog(raw);
  if (E.isLeft(verified)) throw new Error(verified.left.message);
  return { raw, store, keyStore, verification: verified.right };
};
