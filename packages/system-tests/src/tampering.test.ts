import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@aftersales/core';
import { INTEGRITY_STREAM } from '@aftersales/core';
import { computeEventHash } from '@aftersales/core/adapter-kit';
import type { StoredRecord } from '@aftersales/eventstoredb/test-server';
import { EventStoreDBTestServer } from '@aftersales/eventstoredb/test-server';
import { runProgram, scratchDirectory } from '@aftersales/cli/testing';
import { simulatedCommandLines } from './support.js';

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `aftersales` program in this process, as `main.ts` does, collecting what it prints. */
const aftersales = async (argv: readonly string[], input = ''): Promise<Ran> => {
  const stdin = new PassThrough();
  stdin.end(input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const code = await runProgram(argv, { stdin, stdout, stderr, interactive: false, env: {} });
  return { code, stdout: out, stderr: err };
};

type Line = RecordedEvent & { readonly globalPosition: bigint };

const parse = (text: string): Record<string, unknown> & { streamId: string; revision: number; data: unknown; metadata: Record<string, unknown> } =>
  JSON.parse(text) as never;

const rehash = (event: ReturnType<typeof parse>): void => {
  event.metadata['hash'] = computeEventHash({ ...(event as unknown as Line), globalPosition: 0n });
};

const scratch = scratchDirectory();
let exported: string[];
afterAll(() => scratch.cleanup());

/** A year's start, run, sealed (an integrity checkpoint), run on, and exported: the log every case tampers with. */
beforeAll(async () => {
  const lines = simulatedCommandLines(3, 6);
  const store = `sqlite:${scratch.file('log.db')}`;
  const half = Math.floor(lines.length / 2);
  writeFileSync(scratch.file('first.jsonl'), `${lines.slice(0, half).join('\n')}\n`);
  writeFileSync(scratch.file('second.jsonl'), `${lines.slice(half).join('\n')}\n`);
  expect((await aftersales(['run', scratch.file('first.jsonl'), '--store', store])).code).toBe(0);
  const sealed = await aftersales(['audit', 'seal', '--at', '2026-07-01T00:00:00+08:00', '--store', store]);
  expect(sealed.code, sealed.stderr).toBe(0);
  expect((await aftersales(['run', scratch.file('second.jsonl'), '--store', store])).code).toBe(0);
  const exportedLog = await aftersales(['export', '--store', store]);
  expect(exportedLog.code).toBe(0);
  exported = exportedLog.stdout.trim().split('\n');
}, 120_000);

/** A stream with at least four events, sealed by the checkpoint, and its lines in the export. */
const sealedStream = () => {
  const events = exported.map(parse);
  const checkpoint = events.find((event) => event.streamId === INTEGRITY_STREAM)!;
  const sealedCount = (checkpoint.data as { eventCount: number }).eventCount;
  const counts = new Map<string, number>();
  events.slice(0, sealedCount).forEach((event) => counts.set(event.streamId, (counts.get(event.streamId) ?? 0) + 1));
  const streamId = [...counts.entries()].find(([id, count]) => count >= 4 && id.startsWith('RepairOrder-'))![0];
  const indexes = events.flatMap((event, index) => (event.streamId === streamId ? [index] : []));
  return { events, streamId, indexes };
};

const checked: string[] = [];
afterAll(() => console.info(`tampering: ${checked.length} tampered logs found, each named where (${checked.join(', ')})`));

/**
 * Writes the tampered export, then: `audit verify --file` exits 1 and names the place, and `import`
 * refuses it (exit 1), names the place, and leaves the store empty.
 */
const expectFound = async (name: string, lines: readonly string[], where: RegExp) => {
  const file = scratch.file(`${name}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const verified = await aftersales(['audit', 'verify', '--file', file]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(1);
  expect(verified.stdout).toMatch(/NOT INTACT/);
  expect(verified.stdout).toMatch(where);
  const store = `sqlite:${scratch.file(`${name}.db`)}`;
  const imported = await aftersales(['import', file, '--store', store]);
  expect(imported.code, imported.stderr).toBe(1);
  expect(imported.stderr).toMatch(/nothing was imported/);
  expect(imported.stderr).toMatch(where);
  const after = await aftersales(['export', '--store', store]);
  expect(after.stdout).toBe('');
  checked.push(name);
};

describe('a tampered export is found by `audit verify --file` and by `import`, which say where', () => {
  it('the untouched export verifies and imports', async () => {
    const file = scratch.file('intact.jsonl');
    writeFileSync(file, `${exported.join('\n')}\n`);
    expect((await aftersales(['audit', 'verify', '--file', file])).code).toBe(0);
    const imported = await aftersales(['import', file, '--store', `sqlite:${scratch.file('intact.db')}`]);
    expect(imported.code, imported.stderr).toBe(0);
  });

  it('an edited field', async () => {
    const { events, streamId, indexes } = sealedStream();
    const target = indexes[1]!;
    const edited = events[target]!;
    edited.data = { ...(edited.data as object), orderId: 'RO-FORGED' };
    const lines = [...exported];
    lines[target] = JSON.stringify(edited);
    await expectFound('edited', lines, new RegExp(`line ${target + 1}: ${streamId}@1 \\(\\w+\\) does not match its hash`));
  });

  it('a deleted event', async () => {
    const { streamId, indexes } = sealedStream();
    const target = indexes[1]!;
    await expectFound(
      'deleted',
      exported.filter((_, index) => index !== target),
      new RegExp(`line ${target + 1}: ${streamId}@1 is missing`),
    );
  });

  it('two swapped events of one stream', async () => {
    const { streamId, indexes } = sealedStream();
    const [first, second] = [indexes[1]!, indexes[2]!];
    const lines = [...exported];
    [lines[first], lines[second]] = [lines[second]!, lines[first]!];
    await expectFound('swapped', lines, new RegExp(`${streamId}@[12]`));
  });

  it('two swapped events of different streams', async () => {
    const { events, indexes } = sealedStream();
    const first = indexes[1]!;
    const second = events.findIndex((event, index) => index > first && event.streamId !== events[first]!.streamId);
    const lines = [...exported];
    [lines[first], lines[second]] = [lines[second]!, lines[first]!];
    await expectFound('swapped-streams', lines, new RegExp(`line (${first + 1}|${second + 1})`));
  });

  it('a forged hash: an edited event given the hash of its new content', async () => {
    const { events, streamId, indexes } = sealedStream();
    const target = indexes[1]!;
    const forged = events[target]!;
    forged.data = { ...(forged.data as object), orderId: 'RO-FORGED' };
    rehash(forged);
    const lines = [...exported];
    lines[target] = JSON.stringify(forged);
    await expectFound('forged-hash', lines, new RegExp(`${streamId}@2`));
  });

  it('a forged chain: an edited event and every later hash of its stream recomputed, caught by the checkpoint', async () => {
    const { events, streamId, indexes } = sealedStream();
    const lines = [...exported];
    let previous: string | undefined;
    for (const index of indexes.slice(1)) {
      const event = events[index]!;
      if (previous === undefined) event.data = { ...(event.data as object), orderId: 'RO-FORGED' };
      else event.metadata['prevHash'] = previous;
      rehash(event);
      previous = event.metadata['hash'] as string;
      lines[index] = JSON.stringify(event);
    }
    await expectFound('forged-chain', lines, new RegExp(`${streamId}@\\d+ was replaced and its hash recomputed|sealed by an earlier checkpoint`));
  });
});

describe('a tampered store is found by `audit verify --store`, which says where', () => {
  let server: EventStoreDBTestServer;
  let original: StoredRecord[];
  beforeAll(async () => {
    server = await EventStoreDBTestServer.start();
    const file = scratch.file('for-esdb.jsonl');
    writeFileSync(file, `${exported.join('\n')}\n`);
    const imported = await aftersales(['import', file, '--store', server.connectionString]);
    expect(imported.code, imported.stderr).toBe(0);
    original = [...server.log.all];
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  /** Changes the records the server holds in `$all` order, as someone with access to its disks could. */
  const tamper = async (name: string, change: (records: StoredRecord[]) => void, where: RegExp) => {
    const records = [...original];
    change(records);
    server.log.all.splice(0, server.log.all.length, ...records);
    try {
      const verified = await aftersales(['audit', 'verify', '--store', server.connectionString]);
      expect(verified.code, verified.stdout + verified.stderr).toBe(1);
      expect(verified.stdout).toMatch(/NOT INTACT/);
      expect(verified.stdout).toMatch(where);
      checked.push(`store ${name}`);
    } finally {
      server.log.all.splice(0, server.log.all.length, ...original);
    }
  };

  const positionsOf = (streamId: string) => original.flatMap((record, index) => (record.streamName === streamId ? [index] : []));

  it('the untouched store verifies', async () => {
    expect((await aftersales(['audit', 'verify', '--store', server.connectionString])).code).toBe(0);
  });

  it('an edited field, a deleted event and two swapped events', async () => {
    const { streamId } = sealedStream();
    const [, second, third] = positionsOf(streamId);
    await tamper('edited', (records) => {
      const record = records[second!]!;
      const data = JSON.parse(new TextDecoder().decode(record.data)) as Record<string, unknown>;
      records[second!] = { ...record, data: new TextEncoder().encode(JSON.stringify({ ...data, orderId: 'RO-FORGED' })) };
    }, new RegExp(`${streamId}@1 \\(\\w+\\) does not match its hash`));
    await tamper('deleted', (records) => void records.splice(second!, 1), new RegExp(`${streamId}@1 is missing`));
    await tamper('swapped', (records) => {
      [records[second!], records[third!]] = [records[third!]!, records[second!]!];
    }, new RegExp(`${streamId}@[12]`));
  });
});
