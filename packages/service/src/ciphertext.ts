import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { EventStore } from '@aftersales/core';
import { EncryptedField } from '@aftersales/core';
import { personalFields } from '@aftersales/domain';
import type { StoreSettings } from './log.js';

/**
 * The setting in which a log records how far it is known to hold no personal data encrypted under a
 * key store (`through`, a global position), or that it holds some. Without it, telling whether a log
 * without its keys file would lose a key means reading every event that can hold personal data: half
 * a second at a million events, before the first page of the audit trail.
 */
export const PERSONAL_DATA_SCAN = 'personal-data-scan';

const ScanMark = z.union([
  z.strictObject({ ciphertext: z.literal(false), through: z.string().regex(/^\d{1,40}$/) }),
  z.strictObject({ ciphertext: z.literal(true) }),
]);
type ScanMark = z.infer<typeof ScanMark>;

const decodeMark = (text: string | undefined): ScanMark | undefined => {
  if (text === undefined) return undefined;
  try {
    const parsed = ScanMark.safeParse(JSON.parse(text));
    // A mark that does not decode is read as no mark: the log is then scanned whole, which is always right.
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const fieldAt = (data: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), data);

const personalTypes = Object.keys(personalFields);

/**
 * Whether any event of the log holds a personal field encrypted under some key store. The answer is
 * recorded in the log's settings, so that the next call reads only the events appended since (none,
 * usually): one lookup instead of a scan. A log that holds ciphertext says so for good.
 */
export const holdsCiphertext = async (raw: EventStore, settings: StoreSettings): Promise<boolean> => {
  const saved = await settings.get(PERSONAL_DATA_SCAN);
  const mark = E.isRight(saved) ? decodeMark(saved.right) : undefined;
  if (mark?.ciphertext === true) return true;
  const after = mark === undefined ? undefined : BigInt(mark.through);
  let through = after ?? 0n;
  let found = false;
  for await (const event of raw.readAll({ filter: { eventTypes: personalTypes }, ...(after === undefined ? {} : { after }) })) {
    through = event.globalPosition;
    if ((personalFields[event.type] ?? []).some((field) => EncryptedField.safeParse(fieldAt(event.data, field)).success)) {
      found = true;
      break;
    }
  }
  if (found || mark === undefined || through !== after) {
    const next: ScanMark = found ? { ciphertext: true } : { ciphertext: false, through: through.toString() };
    // The mark only saves the next scan: a store that cannot keep it now is scanned again next time.
    await settings.set(PERSONAL_DATA_SCAN, JSON.stringify(next));
  }
  return found;
};
