import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom, logProblems } from '@aftersales/core/testing';
import { aftersales, derivedKeyPath, scratchDirectory } from '@aftersales/cli/testing';
import { eventCount, receiveOrderLine, readAllEvents, startAftersales, storeOfCustomers, withSqlite } from './support.js';

const SEED = 20_261_130;
const IMPORT_KILLS = 8;
const ERASE_KILLS = 8;
/** Each test starts several processes from source; on a busy machine each takes seconds. */
const MANY_PROCESSES = { timeout: 300_000 };
/** The SIGKILL loops start some thirty processes. */
const KILL_LOOP = { timeout: 900_000 };

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.cleanup());

const figures = { importKills: 0, importKilledEmpty: 0, importFinishedBeforeKill: 0, importEvents: 0, eraseKills: 0, erasedBeforeKill: 0, committedBeforeKill: 0 };
afterAll(() => {
  console.info(
    `storage: ${figures.importKills} SIGKILLs of an import of ${figures.importEvents} events (${figures.importKilledEmpty} left the store empty, ${figures.importFinishedBeforeKill} finished first; none left part of it), ${figures.eraseKills} SIGKILLs of \`gdpr erase\` (${figures.committedBeforeKill} after its commit, ${figures.erasedBeforeKill} finished first; every key gone after a rerun)`,
  );
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The 32-byte keys still held in a keys file, read as another program would, in the order the customers came. */
const activeKeys = (keysPath: string): Buffer[] => {
  const db = new Database(keysPath, { readonly: true });
  try {
    return db.prepare<[], { key: Buffer }>('SELECT key FROM personal_data_keys WHERE key IS NOT NULL ORDER BY rowid').all().map((row) => row.key);
  } finally {
    db.close();
  }
};

/** Whether any file of the folder (the keys file, its write-ahead log) still holds the key's bytes. */
const traceOf = (folder: string, key: Buffer): string[] => readdirSync(folder).filter((name) => readFileSync(join(folder, name)).includes(key));

describe('every append is checked as reads check it', () => {
  it('refuses a seal with an empty or a 300-character actor, and the log stays readable and sealable', MANY_PROCESSES, async () => {
    const { url } = await storeOfCustomers(scratch, 'store.db', 1);
    for (const actor of ['', 'a'.repeat(300)]) {
      const refused = await aftersales(['audit', 'seal', '--actor', actor, '--store', url]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^aftersales: --actor "/);
    }
    expect((await aftersales(['audit', 'verify', '--store', url])).code).toBe(0);
    expect((await aftersales(['export', '--store', url])).code).toBe(0);
    expect((await aftersales(['audit', 'trail', '--store', url])).code).toBe(0);
  });
});

describe('the key store is bound to its log', () => {
  it('refuses a log whose keys file is missing, empty, another log\'s or the log itself, naming what to pass; creates no stray file', MANY_PROCESSES, async () => {
    const { path, url, phones } = await storeOfCustomers(scratch, 'store.db', 2);
    const other = await storeOfCustomers(scratch, 'other.db', 1);
    const copy = scratch.file('copy.db');
    copyFileSync(path, copy);

    const erase = await aftersales(['gdpr', 'erase', phones[0]!, '--store', `sqlite:${copy}`]);
    expect(erase.code).toBe(2);
    expect(erase.stderr).toMatch(/copy\.db was written with key store ks-[0-9a-f]+, but .*copy\.keys\.db is missing or empty: pass AFTERSALES_KEYS=/);
    const run = await aftersales(['run', '-', '--store', `sqlite:${copy}`], { input: receiveOrderLine('RO-9', phones[0]!) });
    expect(run.code).toBe(2);
    expect((await aftersales(['kpi', '--store', `sqlite:${copy}`])).code).toBe(2);
    expect(existsSync(derivedKeyPath(copy))).toBe(false);
    // Commands that read only the raw log need no keys, and make none.
    expect((await aftersales(['export', '--store', `sqlite:${copy}`])).code).toBe(0);
    expect((await aftersales(['audit', 'verify', '--store', `sqlite:${copy}`])).code).toBe(0);
    expect(existsSync(derivedKeyPath(copy))).toBe(false);

    writeFileSync(derivedKeyPath(copy), '');
    expect((await aftersales(['run', '-', '--store', `sqlite:${copy}`], { input: receiveOrderLine('RO-9', phones[0]!) })).code).toBe(2);

    const swapped = await aftersales(['run', '-', '--store', url], { input: receiveOrderLine('RO-9', phones[0]!), env: { AFTERSALES_KEYS: derivedKeyPath(other.path) } });
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(/other\.keys\.db is key store ks-[0-9a-f]+, not key store ks-[0-9a-f]+ that .*store\.db was written with: pass AFTERSALES_KEYS=/);

    const itself = await aftersales(['run', '-', '--store', url], { input: receiveOrderLine('RO-9', phones[0]!), env: { AFTERSALES_KEYS: path } });
    expect(itself.code).toBe(2);
    expect(itself.stderr).toMatch(/AFTERSALES_KEYS names the events file .*store\.db itself/);

    // A log written before logs were bound is refused too when it holds ciphertext and its keys are gone.
    const legacy = scratch.file('legacy.db');
    copyFileSync(path, legacy);
    const unbound = new Database(legacy);
    unbound.prepare('DELETE FROM store_settings').run();
    unbound.close();
    const legacyRun = await aftersales(['run', '-', '--store', `sqlite:${legacy}`], { input: receiveOrderLine('RO-9', phones[0]!) });
    expect(legacyRun.code).toBe(2);
    expect(legacyRun.stderr).toMatch(/legacy\.db holds encrypted personal data, but its keys file .*legacy\.keys\.db is missing or empty: pass AFTERSALES_KEYS=/);
    expect(existsSync(derivedKeyPath(legacy))).toBe(false);

    // With its own keys back, the copy is the log it was: the customer is found and erased.
    copyFileSync(derivedKeyPath(path), derivedKeyPath(copy));
    const erased = await aftersales(['gdpr', 'erase', phones[0]!, '--store', `sqlite:${copy}`]);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/1 key\(s\) destroyed/);
    expect(await eventCount(copy)).toBe(await eventCount(path));
  });

  it('gives `shop` and `shop.db` keys files of their own, so a demo on one never touches the other\'s customers', MANY_PROCESSES, async () => {
    expect(derivedKeyPath('/data/shop')).not.toBe(derivedKeyPath('/data/shop.db'));
    const shopDb = await storeOfCustomers(scratch, 'shop.db', 1);
    for (let run = 0; run < 2; run += 1) {
      const demo = await aftersales(['demo', '--orders', '3', '--store', `sqlite:${scratch.file('shop')}`]);
      expect(demo.code, demo.stderr).toBe(0);
    }
    const erased = await aftersales(['gdpr', 'erase', shopDb.phones[0]!, '--store', shopDb.url]);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/1 key\(s\) destroyed/);
  });

  it('reads the raw log for `export` and `audit verify` without opening the keys file, even a corrupt or unreachable one', MANY_PROCESSES, async () => {
    const { path, url } = await storeOfCustomers(scratch, 'store.db', 1);
    writeFileSync(derivedKeyPath(path), 'not a database, not a key store, just bytes '.repeat(200));
    expect((await aftersales(['export', '--store', url])).code).toBe(0);
    expect((await aftersales(['audit', 'verify', '--store', url])).code).toBe(0);
    const unreachable = join(scratch.path, 'no-such-folder', 'keys.db');
    expect((await aftersales(['export', '--store', url], { env: { AFTERSALES_KEYS: unreachable } })).code).toBe(0);
    expect((await aftersales(['audit', 'verify', '--store', url], { env: { AFTERSALES_KEYS: unreachable } })).code).toBe(0);
    expect(existsSync(join(scratch.path, 'no-such-folder'))).toBe(false);
  });
});

/** A demo year exported to a file, and how many events it holds. */
const exportedYear = async (orders: number): Promise<{ readonly file: string; readonly lines: readonly string[] }> => {
  const source = `sqlite:${scratch.file('source.db')}`;
  const demo = await aftersales(['demo', '--orders', String(orders), '--seed', String(SEED), '--store', source]);
  expect(demo.code, demo.stderr).toBe(0);
  const exported = await aftersales(['export', '--store', source]);
  const file = scratch.file('year.jsonl');
  writeFileSync(file, exported.stdout);
  return { file, lines: exported.stdout.trim().split('\n') };
};

describe('`import` is all or nothing', () => {
  it(`survives ${IMPORT_KILLS} SIGKILLs: the store is left empty or whole, never part of the log, and a rerun imports it all`, KILL_LOOP, async () => {
    const { file, lines } = await exportedYear(300);
    figures.importEvents = lines.length;
    const clean = scratch.file('clean.db');
    const started = performance.now();
    const imported = await aftersales(['import', file, '--store', `sqlite:${clean}`]);
    const cleanMs = performance.now() - started;
    expect(imported.code, imported.stderr).toBe(0);
    const whole = await eventCount(clean);
    expect(whole).toBe(lines.length);

    const random = seededRandom(SEED);
    for (let kill = 0; kill < IMPORT_KILLS; kill += 1) {
      const path = scratch.file(`killed-${kill}.db`);
      const running = startAftersales(['import', file, '--store', `sqlite:${path}`]);
      // Most of an import's time is spent after the process has started: kills spread over all of it.
      await sleep(cleanMs * (0.3 + 0.7 * random()));
      running.child.kill('SIGKILL');
      const exit = await running.exited;
      figures.importKills += 1;
      const stored = existsSync(path) ? await eventCount(path) : 0;
      if (exit.signal !== 'SIGKILL') {
        expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
        figures.importFinishedBeforeKill += 1;
      }
      expect([0, whole]).toContain(stored);
      if (stored === 0) {
        figures.importKilledEmpty += 1;
        const rerun = await aftersales(['import', file, '--store', `sqlite:${path}`]);
        expect(rerun.code, rerun.stderr).toBe(0);
      }
      expect((await aftersales(['export', '--store', `sqlite:${path}`])).stdout).toBe(`${lines.join('\n')}\n`);
    }
    expect(figures.importKilledEmpty).toBeGreaterThan(0);
  });

  it('and `run` on the same file at once never mix: the log is the whole import, or only what `run` wrote', MANY_PROCESSES, async () => {
    const { file, lines } = await exportedYear(150);
    for (const startRunAfterMs of [0, 600, 1200]) {
      const path = scratch.file(`both-${startRunAfterMs}.db`);
      const importing = startAftersales(['import', file, '--store', `sqlite:${path}`]);
      await sleep(startRunAfterMs);
      const ran = await aftersales(['run', '-', '--no-seal', '--store', `sqlite:${path}`], { input: receiveOrderLine('RO-RUN-1', '13900000000') });
      const imported = await importing.exited;
      const log = await withSqlite(path, readAllEvents);
      const fromFile = log.filter((event) => lines.some((line) => line.includes(event.eventId)));
      if (imported.code === 0) {
        // The import holds the write lock throughout: its events are the log's first, all of them, in order.
        expect(log.slice(0, lines.length).map((event) => event.eventId)).toEqual(lines.map((line) => (JSON.parse(line) as { eventId: string }).eventId));
        expect(importing.stderr()).toMatch(new RegExp(`imported ${lines.length} event`));
      } else {
        expect(imported.code).toBe(2);
        expect(importing.stderr()).toMatch(/already holds events/);
        expect(fromFile).toEqual([]);
      }
      if (ran.code === 0) expect(log.some((event) => event.streamId === 'RepairOrder-RO-RUN-1')).toBe(true);
      else expect(log.some((event) => event.streamId === 'RepairOrder-RO-RUN-1')).toBe(false);
      await withSqlite(path, async (store) => expect(await logProblems(store)).toEqual([]));
    }
  });
});

describe('`gdpr erase` proves the key gone from the file', () => {
  it('fails plainly while another connection keeps the key alive in the write-ahead log, and succeeds once it is closed', MANY_PROCESSES, async () => {
    const { path, url, phones } = await storeOfCustomers(scratch, 'store.db', 1);
    const keysPath = derivedKeyPath(path);
    const [key] = activeKeys(keysPath);
    const reader = new Database(keysPath, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM personal_data_keys').get();
    const refused = await aftersales(['gdpr', 'erase', phones[0]!, '--store', url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/another connection keeps the file's write-ahead log.*erase again/);
    reader.exec('COMMIT');
    reader.close();

    const again = await aftersales(['gdpr', 'erase', phones[0]!, '--store', url]);
    expect(again.code, again.stderr).toBe(0);
    expect(activeKeys(keysPath)).toEqual([]);
    expect(traceOf(scratch.path, key!)).toEqual([]);
  });

  it(`survives ${ERASE_KILLS} SIGKILLs: after a rerun, no killed erasure leaves a key in the keys file or its write-ahead log`, KILL_LOOP, async () => {
    const { path, url, phones } = await storeOfCustomers(scratch, 'store.db', ERASE_KILLS);
    const keysPath = derivedKeyPath(path);
    const keys = activeKeys(keysPath);
    expect(keys).toHaveLength(ERASE_KILLS);
    const random = seededRandom(SEED);
    const started = performance.now();
    const timed = await aftersales(['gdpr', 'erase', '13999999999', '--store', url]);
    const eraseMs = performance.now() - started;
    expect(timed.code).toBe(0);
    for (const [index, phone] of phones.entries()) {
      const running = startAftersales(['gdpr', 'erase', phone, '--store', url]);
      if (index % 2 === 0) {
        // Half the kills land as soon as the erasure has committed, before it could empty the write-ahead log.
        let exited = false;
        void running.exited.then(() => (exited = true));
        while (!exited && activeKeys(keysPath).length === ERASE_KILLS - index) await sleep(1);
      } else {
        await sleep(eraseMs * random());
      }
      running.child.kill('SIGKILL');
      const exit = await running.exited;
      figures.eraseKills += 1;
      if (exit.signal !== 'SIGKILL') figures.erasedBeforeKill += 1;
      else if (activeKeys(keysPath).length < ERASE_KILLS - index) figures.committedBeforeKill += 1;
      const rerun = await aftersales(['gdpr', 'erase', phone, '--store', url]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(traceOf(scratch.path, keys[index]!)).toEqual([]);
    }
    expect(activeKeys(keysPath)).toEqual([]);
  });

  it('names the plaintext events of a customer written before encryption, which no key erasure removes', MANY_PROCESSES, async () => {
    const fixture = readFileSync(new URL('../../domain/src/repair-order/fixtures/repair-order-received.v1.json', import.meta.url), 'utf8');
    const log = scratch.file('v1.jsonl');
    writeFileSync(log, `${JSON.stringify(JSON.parse(fixture))}\n`);
    const url = `sqlite:${scratch.file('v1.db')}`;
    expect((await aftersales(['import', log, '--store', url])).code).toBe(0);
    const erased = await aftersales(['gdpr', 'erase', '139 1234 5678', '--store', url]);
    expect(erased.code).toBe(1);
    expect(erased.stdout).toMatch(/NOT ERASED: 1 event\(s\) of customer 13912345678 .* plain text.*: RepairOrder-RO-2025-0117@0/);
    expect(erased.stdout).not.toMatch(/now read \[erased\]/);
  });
});

