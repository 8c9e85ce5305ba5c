import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../event-store.js';
import { deterministicEventId } from '../event-ids.js';
import { InMemoryEventStore } from '../in-memory-store.js';
import { sealLog } from '../verification/index.js';
import { exportLog, importExportedLog, verifyExportedFile } from './index.js';

const directories: string[] = [];
afterEach(() => directories.splice(0).forEach((path) => rmSync(path, { recursive: true, force: true })));

/** A small log of two streams, sealed, written to a file as an export writes it. */
const exportedFile = async (): Promise<{ readonly file: string; readonly source: InMemoryEventStore }> => {
  const source = new InMemoryEventStore();
  for (const [n, streamId] of ['A', 'B', 'A'].entries()) {
    const commandId = `c-${n}`;
    const appended = await source.appendToStream(
      streamId,
      [{ eventId: deterministicEventId(streamId, commandId, 0), type: 'Noted', data: { n }, metadata: { commandId, correlationId: commandId, causationId: commandId, actor: { id: 'EP-01', role: 'BusinessEndpoint' }, occurredAt: '2026-03-01T09:00:00+08:00', schemaVersion: 1 } }],
      { expectedRevision: 'any' },
    );
    if (E.isLeft(appended)) throw new Error(appended.left.message);
  }
  const sealed = await sealLog(source, { actor: { id: 'auditor-1', role: 'Auditor' }, at: '2026-03-02T09:00:00+08:00' });
  if (E.isLeft(sealed)) throw new Error(sealed.left.message);
  const directory = mkdtempSync(join(tmpdir(), 'log-transfer-'));
  directories.push(directory);
  const lines: string[] = [];
  await exportLog(source, async (line) => void lines.push(line));
  const file = join(directory, 'log.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, source };
};

const importInto = (file: string) => {
  let recordedAt: Date | undefined;
  const store = new InMemoryEventStore({ clock: () => recordedAt ?? new Date() });
  return { store, imported: importExportedLog(file, store, { setRecordedAt: (at) => (recordedAt = at), then: async () => 'done' }) };
};

describe('log transfer as a library', () => {
  it('exports a log that verifies, and imports it into another store where it reads back identical, hashes included', async () => {
    const { file, source } = await exportedFile();
    expect((await verifyExportedFile(file)).problems).toEqual([]);
    const { store, imported } = importInto(file);
    expect(await imported).toEqual(E.right({ events: 4, streams: 3, then: 'done' }));
    expect(await collect(store.readAll())).toEqual(await collect(source.readAll()));
  });

  it('refuses an edited file naming the line, and stores nothing', async () => {
    const { file } = await exportedFile();
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"n":1', '"n":7');
    writeFileSync(file, lines.join('\n'));
    expect((await verifyExportedFile(file)).problems).toEqual([expect.stringMatching(/^line 2: B@0 \(Noted\) does not match its hash/)]);
    const { store, imported } = importInto(file);
    expect(await imported).toEqual(E.left({ kind: 'NotIntact', problems: expect.arrayContaining([expect.stringMatching(/^line 2: /)]) }));
    expect(await collect(store.readAll())).toEqual(E.right([]));
  });

  it('imports only into an empty store', async () => {
    const { file, source } = await exportedFile();
    expect(await importExportedLog(file, source, { setRecordedAt: () => undefined, then: async () => 'done' })).toEqual(E.left({ kind: 'StoreNotEmpty' }));
  });
});
