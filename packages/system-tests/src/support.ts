import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { EventStore, RecordedEvent } from '@aftersales/core';
import { EncryptedField, INTEGRITY_STREAM, collect } from '@aftersales/core';
import { simulateYear } from '@aftersales/domain/simulation';
import { SqliteEventStore } from '@aftersales/sqlite';
import { aftersales, repositoryRoot } from '@aftersales/cli/testing';
import type { scratchDirectory } from '@aftersales/cli/testing';
import { expect } from 'vitest';

type ScratchDirectory = ReturnType<typeof scratchDirectory>;

/** A seeded year of the department as JSON Lines, the way a caller feeds `aftersales run`. */
export const simulatedCommandLines = (seed: number, orders: number): string[] => [...simulateYear({ seed, orders })].map((command) => JSON.stringify(command));

export interface RunningCommand {
  readonly child: ChildProcess;
  /** Where to write the command's input, when it was started with `stdin: 'pipe'`. */
  readonly stdin: NodeJS.WritableStream | null;
  /** Everything printed on stdout so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

/** Starts `aftersales <args>` in a process of its own, from source, and keeps what it prints. */
export const startAftersales = (args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv; readonly stdin?: 'pipe' | 'ignore' } = {}): RunningCommand => {
  const child = spawn(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, AFTERSALES_STORE: undefined, AFTERSALES_DEBUG: '1', ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdin: child.stdin, stdout: () => stdout, stderr: () => stderr, exited };
};

/** One line of `aftersales run` output. */
export const RunResult = z.object({
  line: z.number(),
  commandId: z.string().nullable(),
  ok: z.boolean(),
  events: z.array(z.object({ streamId: z.string(), revision: z.number(), type: z.string() })).optional(),
  duplicate: z.boolean().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type RunResult = z.infer<typeof RunResult>;

/** The complete lines printed (a line cut off by a kill is no answer and is left out). */
export const printedResults = (stdout: string): RunResult[] => {
  const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => RunResult.parse(JSON.parse(line)));
};

/** Opens a SQLite store, gives it to `work`, and closes it. */
export const withSqlite = async <A>(path: string, work: (store: SqliteEventStore) => Promise<A>): Promise<A> => {
  const opened = SqliteEventStore.open(path, { busyTimeoutMs: 20_000 });
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  try {
    return await work(opened.right);
  } finally {
    await opened.right.close();
  }
};

export const readAllEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const read = await collect(store.readAll());
  if (E.isLeft(read)) throw new Error(`${read.left.code}: ${read.left.message}`);
  return read.right;
};

/**
 * A log as two runs of the same commands must both have written it: every event in global order,
 * without what only the moment of writing decides (`recordedAt`, and the hashes that cover it) or
 * the store's own numbering of `$all`.
 */
export const comparableLog = (events: readonly RecordedEvent[]) =>
  events.map(({ streamId, revision, eventId, type, data, metadata: { recordedAt: _recordedAt, hash: _hash, prevHash: _prevHash, ...metadata } }) =>
    // A seal's content is digests of hashes that cover `recordedAt`, and its id and time are the seal's own: only its place compares.
    streamId === INTEGRITY_STREAM
      ? { streamId, revision, type }
      : {
          streamId,
          revision,
          eventId,
          type,
          data: withoutCiphertext(data),
          metadata,
        },
  );

/** Personal data is encrypted under a fresh key and IV in every run, so only its place is compared. */
const withoutCiphertext = (value: unknown): unknown => {
  if (EncryptedField.safeParse(value).success) return '[encrypted]';
  if (Array.isArray(value)) return value.map(withoutCiphertext);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, withoutCiphertext(member)]));
  return value;
};

/** A `ReceiveRepairOrder` command line for one customer, as `aftersales run` reads it. */
export const receiveOrderLine = (orderId: string, phone: string) =>
  JSON.stringify({
    type: 'ReceiveRepairOrder',
    data: { orderId, endpointId: 'EP-01', customer: { name: '王芳', phone }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
    metadata: { commandId: `${orderId}/receive`, actor: { id: 'EP-01', role: 'BusinessEndpoint' }, at: '2026-03-02T09:00:00+08:00' },
  });

/** A store of `count` customers' orders, in the scratch directory, written by `aftersales run`, with its keys file beside it. */
export const storeOfCustomers = async (scratch: ScratchDirectory, name: string, count: number): Promise<{ readonly path: string; readonly url: string; readonly phones: readonly string[] }> => {
  const path = scratch.file(name);
  const phones = Array.from({ length: count }, (_, index) => `1380000${String(index).padStart(4, '0')}`);
  const ran = await aftersales(['run', '-', '--store', `sqlite:${path}`], { input: phones.map((phone, index) => receiveOrderLine(`RO-${index + 1}`, phone)).join('\n') });
  expect(ran.code, ran.stderr).toBe(0);
  return { path, url: `sqlite:${path}`, phones };
};

export const eventCount = (path: string): Promise<number> => withSqlite(path, async (store) => (await readAllEvents(store)).length);
