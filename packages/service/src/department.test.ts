import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import { InMemoryEventStore, collect } from '@aftersales/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { OpenDepartmentOptions, OpenedDepartment } from './department.js';
import { openDepartment } from './department.js';
import type { ServiceError } from './errors.js';
import { derivedKeyPath } from './keys.js';

const scratch = mkdtempSync(join(tmpdir(), 'aftersales-service-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' };
const receive = (orderId: string, actor: { id: string; role: string } = endpoint) => ({
  type: 'ReceiveRepairOrder',
  data: { orderId, endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
  metadata: { commandId: `receive-${orderId}`, actor, at: '2026-03-02T09:00:00+08:00' },
});

const opened = async (options: OpenDepartmentOptions): Promise<OpenedDepartment> => {
  const result = await openDepartment(options);
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};

const refusal = async (options: OpenDepartmentOptions): Promise<ServiceError> => {
  const result = await openDepartment(options);
  if (E.isRight(result)) {
    await result.right.close();
    throw new Error('the department opened');
  }
  return result.left;
};

const events = async (store: EventStore) => {
  const all = await collect(store.readAll());
  if (E.isLeft(all)) throw new Error(all.left.message);
  return all.right;
};

describe('openDepartment', () => {
  it('opens a SQLite log with its keys beside it: personal data stored encrypted, read back decrypted, KPIs from the same file', async () => {
    const path = join(scratch, 'shop.db');
    const shop = await opened({ store: `sqlite:${path}` });
    expect(E.isRight(await shop.department.handleUntrusted(receive('RO-1')))).toBe(true);
    const [stored] = await events(shop.raw);
    expect(JSON.stringify(stored?.data)).not.toContain('王芳');
    const [read] = await events(shop.store);
    expect(read?.data).toMatchObject({ customer: { name: '王芳' } });
    expect(E.isRight(await shop.readModels.models.catchUp())).toBe(true);
    const answer = await shop.readModels.models.kpis({ period: '2026-03', asOf: '2026-03-31T23:59:59+08:00' });
    expect(E.isRight(answer) && answer.right.results.find((result) => result.kpi === 'timelyReceipt')).toMatchObject({ denominator: 1 });
    await shop.close();

    const again = await opened({ store: `sqlite:${path}`, mustExist: true, keys: 'readOnly' });
    const [readAgain] = await events(again.store);
    expect(readAgain?.data).toMatchObject({ customer: { name: '王芳' } });
    await again.close();
  });

  it('records refused attempts in the security log', async () => {
    const shop = await opened({ store: 'memory:' });
    const refused = await shop.department.handleUntrusted(receive('RO-1', { id: 'AU-1', role: 'Auditor' }));
    expect(E.isLeft(refused) && refused.left.code).toBe('Forbidden');
    await shop.department.recordMalformed('line 3', 'not JSON');
    const logged = await events(shop.raw);
    expect(logged.map((event) => [event.streamId.split('-')[0], event.type])).toEqual([
      ['SecurityLog', 'CommandRefused'],
      ['SecurityLog', 'CommandRefused'],
    ]);
    await shop.close();
  });

  it('refuses a log whose keys are missing or another log’s, naming the file, and never creates keys for it', async () => {
    const path = join(scratch, 'bound.db');
    const other = join(scratch, 'other.db');
    for (const store of [path, other]) {
      const shop = await opened({ store: `sqlite:${store}` });
      expect(E.isRight(await shop.department.handleUntrusted(receive('RO-1')))).toBe(true);
      await shop.close();
    }
    const foreign = await refusal({ store: `sqlite:${path}`, keysPath: derivedKeyPath(other) });
    expect(foreign).toMatchObject({ code: 'ForeignKeys', path: derivedKeyPath(other) });
    expect(foreign.message).toMatch(/not key store .* that .*bound\.db was written with: pass keys=/);

    rmSync(derivedKeyPath(path));
    const missing = await refusal({ store: `sqlite:${path}`, keysName: 'AFTERSALES_KEYS' });
    expect(missing).toMatchObject({ code: 'KeysMissing', path: derivedKeyPath(path) });
    expect(missing.message).toMatch(/is missing or empty: pass AFTERSALES_KEYS=/);
    expect(existsSync(derivedKeyPath(path))).toBe(false);
    expect(await refusal({ store: `sqlite:${path}`, keysPath: path })).toMatchObject({ code: 'KeysInLog' });
  });

  it('names what is wrong with a URL or a missing file as a value', async () => {
    expect(await refusal({ store: 'mysql://localhost/shop' })).toMatchObject({ code: 'InvalidStoreUrl', message: expect.stringContaining('unknown store') });
    expect(await refusal({ store: 'sqlite:' })).toMatchObject({ code: 'InvalidStoreUrl' });
    expect(await refusal({ store: `sqlite:${join(scratch, 'absent.db')}`, mustExist: true })).toMatchObject({ code: 'StoreMissing' });
    expect(await refusal({ store: 'memory:', readModels: 'redis://localhost' })).toMatchObject({ code: 'InvalidStoreUrl', message: expect.stringContaining('unknown --read-models') });
  });

  it('refuses a SQLite path starting with ~, which no shell expands after sqlite:, rather than create a directory named ~', async () => {
    expect(await refusal({ store: 'sqlite:~/shop.db' })).toMatchObject({ code: 'InvalidStoreUrl', message: expect.stringContaining('~ is not expanded here') });
    expect(await refusal({ store: 'memory:', readModels: 'sqlite:~/read-models.db' })).toMatchObject({ code: 'InvalidStoreUrl', message: expect.stringMatching(/^--read-models "sqlite:~\/read-models\.db": ~ is not expanded/) });
  });

  it('names a connection string without a host instead of passing it to the client', async () => {
    for (const store of ['esdb://', 'esdb://?tls=false', 'kurrentdb://admin:changeit@/']) {
      expect(await refusal({ store })).toMatchObject({ code: 'InvalidStoreUrl', message: expect.stringMatching(/^(esdb|kurrentdb):\/\/ needs a host, e\.g\./) });
    }
  });

  it('refuses options of the wrong shape as a value naming the field, before anything is opened', async () => {
    const wrong = (options: unknown) => refusal(options as OpenDepartmentOptions);
    expect(await wrong(undefined)).toMatchObject({ code: 'InvalidOptions', message: expect.stringContaining('must be an object') });
    expect(await wrong(null)).toMatchObject({ code: 'InvalidOptions' });
    expect(await wrong({})).toMatchObject({ code: 'InvalidOptions', message: expect.stringContaining('store:') });
    expect(await wrong({ store: 42 })).toMatchObject({ code: 'InvalidOptions', message: expect.stringContaining('store:') });
    expect(await wrong({ store: { kind: 'sqlite' } })).toMatchObject({ code: 'InvalidOptions', message: expect.stringContaining('store') });
    expect(await wrong({ store: {} })).toMatchObject({ code: 'InvalidOptions' });
    for (const [field, value] of [
      ['readModels', 42],
      ['snapshotEvery', 0],
      ['snapshotEvery', 2.5],
      ['snapshotEvery', 'x'],
      ['kpiConfig', []],
      ['kpiConfig', 'x'],
      ['telemetry', 'yes'],
      ['keys', 'everything'],
      ['keysPath', ''],
    ] as const) {
      expect(await wrong({ store: 'memory:', [field]: value }), `${field}: ${String(value)}`).toMatchObject({ code: 'InvalidOptions', message: expect.stringContaining(`${field}:`) });
    }
    const path = join(scratch, 'never-created.db');
    expect(await wrong({ store: `sqlite:${path}`, snapshotEvery: -1 })).toMatchObject({ code: 'InvalidOptions' });
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a command that throws when read (a getter, a proxy) as a value, and logs the attempt', async () => {
    const shop = await opened({ store: 'memory:' });
    const throwing = { get type(): string { throw new Error('boom'); }, data: {}, metadata: {} };
    const trap = new Proxy({}, { get: () => { throw new Error('trap'); } });
    for (const input of [throwing, trap]) {
      for (const handle of [shop.department.handleUntrusted, (raw: unknown) => shop.department.handle(raw as Parameters<typeof shop.department.handle>[0])]) {
        const refused = await handle(input);
        expect(E.isLeft(refused) && refused.left).toMatchObject({ code: 'InvalidCommand', message: expect.stringContaining('could not be read as data') });
      }
    }
    const cyclic: Record<string, unknown> = { ...receive('RO-2') };
    cyclic['self'] = cyclic;
    expect(E.isLeft(await shop.department.handleUntrusted(cyclic))).toBe(true);
    const logged = await events(shop.raw);
    expect(logged.every((event) => event.streamId.startsWith('SecurityLog-') && event.type === 'CommandRefused')).toBe(true);
    expect(logged.length).toBeGreaterThan(0);
    await shop.close();
  });

  it('takes a store the program opened, with keys in memory, and closes it with the department', async () => {
    const raw = new InMemoryEventStore();
    const close = vi.spyOn(raw, 'close');
    const shop = await opened({ store: raw, readModels: 'memory:' });
    expect(shop.location).toBeUndefined();
    expect(E.isRight(await shop.department.handle(receive('RO-1') as Parameters<typeof shop.department.handle>[0]))).toBe(true);
    expect((await events(raw)).map((event) => event.type)).toEqual(['RepairOrderReceived']);
    await shop.close();
    expect(close).toHaveBeenCalledOnce();
  });
});
