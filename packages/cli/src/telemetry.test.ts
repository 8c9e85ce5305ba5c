import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { trace } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RecordedEvent } from '@aftersales/core';
import { collect, createProjectionRunner, InMemoryEventStore } from '@aftersales/core';
import { verifyStreamChain } from '@aftersales/core/adapter-kit';
import { createDepartment } from '@aftersales/domain';
import { createReadModels } from '@aftersales/read-models';
import { SqliteEventStore } from '@aftersales/sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { confirm, inMemoryTelemetry, ordersReceived, pointsOf, receive } from './telemetry.fixture.js';
import { aftersales, repositoryRoot, scratchDirectory } from './testing.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const fixedClock = () => new Date('2026-03-03T00:00:00Z');

const telemetry = inMemoryTelemetry();
const { spans, register, unregister, named, one, collectedMetrics, metricValues } = telemetry;
const childrenOf = (parent: ReadableSpan): string[] =>
  spans
    .getFinishedSpans()
    .filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId)
    .map((span) => span.name);

describe('telemetry with an SDK registered', () => {
  beforeAll(register);
  afterAll(unregister);
  // Each test sees only its own metrics: deltas, collected and dropped after every test.
  afterEach(telemetry.reset);

  it('gives each command a handle span with load, decide and append children and the documented attributes', async () => {
    const department = createDepartment({ store: new InMemoryEventStore() });
    expect(E.isRight(await department.handleUntrusted(receive('RO-1')))).toBe(true);

    const handle = one('handle ReceiveRepairOrder');
    expect(handle.attributes).toEqual({
      'aftersales.command.type': 'ReceiveRepairOrder',
      'aftersales.command.id': 'RO-1/receive',
      'aftersales.stream': 'RepairOrder-RO-1',
      'aftersales.outcome': 'accepted',
    });
    expect(childrenOf(handle).sort()).toEqual(['append', 'decide', 'load']);
    expect(one('load').attributes).toMatchObject({ 'db.system': 'memory', 'aftersales.stream': 'RepairOrder-RO-1' });
    expect(one('append').attributes).toMatchObject({ 'db.system': 'memory', 'aftersales.events': 1 });
    expect(one('decide').attributes['db.system']).toBeUndefined();
  });

  it('names the SQLite store as db.system sqlite', async () => {
    const scratch = scratchDirectory();
    try {
      const opened = SqliteEventStore.open(join(scratch.path, 'log.db'));
      if (E.isLeft(opened)) throw new Error(opened.left.message);
      const department = createDepartment({ store: opened.right });
      await department.handleUntrusted(receive('RO-1'));
      await opened.right.close();
      expect(one('append').attributes['db.system']).toBe('sqlite');
    } finally {
      scratch.cleanup();
    }
  });

  it('marks a refused command with its outcome and error code, and a retried one as a duplicate', async () => {
    const department = createDepartment({ store: new InMemoryEventStore() });
    const refused = await department.handleUntrusted(confirm('RO-9'));
    expect(E.isLeft(refused) && refused.left.code).toBe('InvalidTransition');
    expect(one('handle ConfirmReceipt').attributes).toMatchObject({ 'aftersales.outcome': 'refused', 'aftersales.error.code': 'InvalidTransition' });
    expect(one('decide').attributes['aftersales.error.code']).toBe('InvalidTransition');

    spans.reset();
    await department.handleUntrusted(receive('RO-1'));
    await department.handleUntrusted(receive('RO-1'));
    expect(named('handle ReceiveRepairOrder').map((span) => span.attributes['aftersales.outcome'])).toEqual(['accepted', 'duplicate']);
  });

  it('joins the caller’s active span, or else the trace a command’s metadata names', async () => {
    const department = createDepartment({ store: new InMemoryEventStore() });
    await trace.getTracer('caller').startActiveSpan('POST /commands', async (request) => {
      await department.handleUntrusted(receive('RO-1'));
      request.end();
    });
    const request = one('POST /commands');
    const handled = one('handle ReceiveRepairOrder');
    expect(handled.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(handled.parentSpanContext?.spanId).toBe(request.spanContext().spanId);

    spans.reset();
    await department.handleUntrusted(receive('RO-2', { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` }));
    const carried = one('handle ReceiveRepairOrder');
    expect(carried.spanContext().traceId).toBe(CALLER_TRACE);
    expect(carried.parentSpanContext?.spanId).toBe(CALLER_SPAN);
  });

  it('refuses a malformed traceparent in a command like any malformed field', async () => {
    const department = createDepartment({ store: new InMemoryEventStore() });
    const refused = await department.handleUntrusted(receive('RO-1', { traceparent: 'not-a-trace' }));
    expect(E.isLeft(refused) && refused.left.code).toBe('InvalidCommand');
    expect(E.isLeft(refused) && refused.left.message).toContain('traceparent');
  });

  it('writes the append span’s trace context into the events’ metadata, outside what the hash chain covers', async () => {
    const traced = new InMemoryEventStore({ clock: fixedClock });
    await createDepartment({ store: traced }).handleUntrusted(receive('RO-1', { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` }));
    const [event] = await readStream(traced, 'RepairOrder-RO-1');
    const append = one('append');
    expect(event!.metadata.trace).toEqual({ traceparent: `00-${CALLER_TRACE}-${append.spanContext().spanId}-01` });
    expect(verifyStreamChain([event!])).toEqual([]);

    unregister();
    try {
      const untraced = new InMemoryEventStore({ clock: fixedClock });
      await createDepartment({ store: untraced }).handleUntrusted(receive('RO-1'));
      const [plain] = await readStream(untraced, 'RepairOrder-RO-1');
      expect(plain!.metadata.trace).toBeUndefined();
      expect(plain!.metadata.hash).toBe(event!.metadata.hash);
    } finally {
      register();
    }
  });

  it('emits nothing and carries no trace for a department created with telemetry: false', async () => {
    const store = new InMemoryEventStore();
    await createDepartment({ store, telemetry: false }).handleUntrusted(receive('RO-1', { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` }));
    const [event] = await readStream(store, 'RepairOrder-RO-1');
    expect(event!.metadata.trace).toBeUndefined();
    expect(spans.getFinishedSpans()).toEqual([]);
    expect(await metricValues()).toEqual([]);
  });

  it('gives each projection batch a span with the positions it covered, linked to the spans that appended its events', async () => {
    const store = new InMemoryEventStore();
    const department = createDepartment({ store });
    await department.handleUntrusted(receive('RO-1'));
    await department.handleUntrusted(confirm('RO-1'));
    const appends = named('append').map((span) => span.spanContext().spanId);
    const readModels = createReadModels({ store });
    expect(E.isRight(await readModels.catchUp())).toBe(true);

    const batch = one('project batch');
    expect(batch.attributes).toEqual({
      'db.system': 'memory',
      'aftersales.events': 2,
      'aftersales.projection.first_position': '1',
      'aftersales.projection.last_position': '2',
    });
    expect(batch.links.map((link) => link.context.spanId).sort()).toEqual([...appends].sort());
    expect(new Set(batch.links.map((link) => link.context.traceId)).size).toBe(2);
  });

  it('records the command, append and projection metrics with their attributes', async () => {
    const store = new InMemoryEventStore();
    const department = createDepartment({ store });
    await department.handleUntrusted(receive('RO-1'));
    await department.handleUntrusted(confirm('RO-1'));
    await department.handleUntrusted(confirm('RO-9'));
    expect(E.isRight(await createReadModels({ store }).catchUp())).toBe(true);

    const all = await collectedMetrics();
    const commands = pointsOf(all, 'aftersales.commands').map((point) => ({ ...point.attributes, value: point.value }));
    expect(commands).toEqual(
      expect.arrayContaining([
        { 'aftersales.command.type': 'ReceiveRepairOrder', 'aftersales.outcome': 'accepted', value: 1 },
        { 'aftersales.command.type': 'ConfirmReceipt', 'aftersales.outcome': 'accepted', value: 1 },
        { 'aftersales.command.type': 'ConfirmReceipt', 'aftersales.outcome': 'refused', value: 1 },
      ]),
    );
    const durations = pointsOf(all, 'aftersales.command.duration');
    expect(durations.map((point) => (point.value as Histogram).count).reduce((a, b) => a + b, 0)).toBe(3);
    const appends = pointsOf(all, 'aftersales.append.duration');
    expect(appends.map((point) => point.attributes)).toEqual([{ 'db.system': 'memory' }]);
    expect((appends[0]!.value as Histogram).count).toBe(2);

    const lag = pointsOf(all, 'aftersales.projection.lag');
    expect(lag.map((point) => [point.attributes['aftersales.read_model'], point.value]).sort()).toEqual([
      ['audit-trail', 0],
      ['kpi-facts', 0],
    ]);
    const age = pointsOf(all, 'aftersales.projection.checkpoint.age');
    expect(age.map((point) => point.attributes).sort((a, b) => String(a['aftersales.read_model']).localeCompare(String(b['aftersales.read_model'])))).toEqual([
      { 'aftersales.read_model': 'audit-trail', 'db.system': 'memory' },
      { 'aftersales.read_model': 'kpi-facts', 'db.system': 'memory' },
    ]);
    for (const point of age) expect(point.value as number).toBeGreaterThanOrEqual(0);
  });

  it('emits exactly the spans, attributes and metrics docs/observability.md lists', async () => {
    const store = new InMemoryEventStore();
    const department = createDepartment({ store });
    await department.handleUntrusted(receive('RO-1'));
    await department.handleUntrusted(confirm('RO-9'));
    await createReadModels({ store }).catchUp();
    await createProjectionRunner({ store, projection: ordersReceived }).catchUp();
    const emitted = new Map<string, Set<string>>();
    const note = (name: string, attributes: Iterable<string>) => {
      const known = emitted.get(name) ?? new Set<string>();
      for (const attribute of attributes) known.add(attribute);
      emitted.set(name, known);
    };
    for (const span of spans.getFinishedSpans()) note(span.name.startsWith('handle ') ? 'handle <CommandType>' : span.name, Object.keys(span.attributes));
    for (const metric of await collectedMetrics()) note(metric.descriptor.name, metric.dataPoints.flatMap((point) => Object.keys(point.attributes)));

    const documented = documentedTelemetry();
    expect([...documented.keys()].sort()).toEqual([...emitted.keys()].sort());
    for (const [name, attributes] of emitted) expect([...attributes].sort(), name).toEqual([...documented.get(name)!].sort());
  });
});

describe('telemetry without an SDK', () => {
  it('emits nothing, writes no trace context and handles commands as before', async () => {
    unregister();
    const before = await metricValues();
    const store = new InMemoryEventStore();
    const department = createDepartment({ store });
    expect(E.isRight(await department.handleUntrusted(receive('RO-1')))).toBe(true);
    expect(E.isLeft(await department.handleUntrusted(confirm('RO-9')))).toBe(true);
    expect(E.isRight(await createReadModels({ store }).catchUp())).toBe(true);
    expect(await createProjectionRunner({ store, projection: ordersReceived }).catchUp()).toEqual(E.right(1));
    const [event] = await readStream(store, 'RepairOrder-RO-1');
    expect(event!.metadata.trace).toBeUndefined();
    expect(spans.getFinishedSpans()).toEqual([]);
    expect(await metricValues()).toEqual(before);
  });
});

describe('aftersales run with OTEL_TRACES_EXPORTER=console', () => {
  it('prints one handle span per command line on stderr and the same JSON lines on stdout as without it', async () => {
    const scratch = scratchDirectory();
    try {
      const file = join(scratch.path, 'commands.jsonl');
      writeFileSync(file, [receive('RO-1'), confirm('RO-1'), confirm('RO-9')].map((command) => JSON.stringify(command)).join('\n') + '\n');
      const plain = await aftersales(['run', '--store', `sqlite:${join(scratch.path, 'plain.db')}`, file]);
      const traced = await aftersales(['run', '--store', `sqlite:${join(scratch.path, 'traced.db')}`, file], { env: { OTEL_TRACES_EXPORTER: 'console' } });
      expect(traced.code).toBe(plain.code);
      expect(traced.stdout).toBe(plain.stdout);
      expect(plain.stdout.trim().split('\n')).toHaveLength(3);
      const handled = traced.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { span?: { name: string; attributes: Record<string, unknown> } })
        .flatMap((line) => (line.span?.name.startsWith('handle ') ? [line.span] : []));
      expect(handled.map((span) => [span.name, span.attributes['aftersales.outcome']])).toEqual([
        ['handle ReceiveRepairOrder', 'accepted'],
        ['handle ConfirmReceipt', 'accepted'],
        ['handle ConfirmReceipt', 'refused'],
      ]);
    } finally {
      scratch.cleanup();
    }
  }, 60_000);

  it('refuses an exporter it does not know, naming the variable', async () => {
    const result = await aftersales(['run', '-'], { env: { OTEL_TRACES_EXPORTER: 'zipkin' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OTEL_TRACES_EXPORTER=zipkin is not one of console, otlp, none');
  }, 60_000);
});

const readStream = async (store: InMemoryEventStore, streamId: string): Promise<RecordedEvent[]> => {
  const read = await collect(store.readStream(streamId));
  if (E.isLeft(read)) throw new Error(read.left.message);
  return read.right;
};

/** The span and metric table of docs/observability.md: each row's name (first cell) and attributes (third cell). */
const documentedTelemetry = (): Map<string, Set<string>> => {
  const text = readFileSync(join(repositoryRoot, 'docs/observability.md'), 'utf8');
  const table = text.slice(text.indexOf('<!-- telemetry-table -->'), text.indexOf('<!-- /telemetry-table -->'));
  const rows = new Map<string, Set<string>>();
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !cells[1]!.startsWith('`')) continue;
    const name = cells[1]!.replaceAll('`', '');
    const attributes = [...cells[3]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
    rows.set(name, new Set(attributes));
  }
  return rows;
};
