import type { EventStore } from '../event-store.js';
import { exportedLine } from './exported-event.js';

/**
 * Writes the whole log, as stored, one exported event a line in global order: give it the raw store
 * (ciphertext as stored), so that the export carries no personal data and its hashes hold. Returns
 * how many events were written; a store failure is thrown as a `StoreFailure`.
 */
export const exportLog = async (store: EventStore, writeLine: (line: string) => Promise<void>): Promise<number> => {
  let count = 0;
  for await (const event of store.readAll()) {
    await writeLine(exportedLine(event));
    count += 1;
  }
  return count;
};
