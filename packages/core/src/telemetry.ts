import type { Attributes, Context, Counter, Histogram, Meter, MeterProvider, Span, SpanContext, Tracer, TracerProvider } from '@opentelemetry/api';
import { context, isSpanContextValid, metrics, trace, TraceFlags } from '@opentelemetry/api';
import { z } from 'zod';

/** The instrumentation scope of everything the library emits. */
export const TELEMETRY_SCOPE = '@aftersales/core';

/** The names of the spans, attributes and metrics the library emits (docs/observability.md lists them). */
export const TELEMETRY = {
  spans: {
    /** `handle <CommandType>`: one per handled command. */
    handlePrefix: 'handle ',
    load: 'load',
    decide: 'decide',
    append: 'append',
    projectBatch: 'project batch',
  },
  attributes: {
    commandType: 'aftersales.command.type',
    commandId: 'aftersales.command.id',
    stream: 'aftersales.stream',
    outcome: 'aftersales.outcome',
    errorCode: 'aftersales.error.code',
    dbSystem: 'db.system',
    events: 'aftersales.events',
    readModel: 'aftersales.read_model',
    firstPosition: 'aftersales.projection.first_position',
    lastPosition: 'aftersales.projection.last_position',
  },
  metrics: {
    commands: 'aftersales.commands',
    commandDuration: 'aftersales.command.duration',
    appendDuration: 'aftersales.append.duration',
    projectionLag: 'aftersales.projection.lag',
    checkpointAge: 'aftersales.projection.checkpoint.age',
  },
} as const;

/** How a handled command ended: stored, refused (with an error code), or a retry of one already stored. */
export type CommandOutcome = 'accepted' | 'refused' | 'duplicate';

/** What a store keeps its events or rows in, as OpenTelemetry's `db.system` names it. */
export type DatabaseSystem = 'memory' | 'sqlite' | 'eventstoredb' | 'postgresql';

const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * A W3C trace context (`traceparent`, version 00, and the vendors' `tracestate`), as a command may
 * carry it and as the events it appends keep it, so that the log says which trace wrote each event.
 */
export const TraceContext = z.strictObject({
  traceparent: z.string().regex(TRACEPARENT, 'must be a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>, ids not all zero'),
  tracestate: z.string().max(512).optional(),
});
export type TraceContext = z.infer<typeof TraceContext>;

/** The span context a `traceparent` names, marked remote; undefined when it is not a well-formed version-00 one. */
export const spanContextOf = (traceContext: { readonly traceparent?: unknown; readonly tracestate?: unknown } | undefined): SpanContext | undefined => {
  const text = traceContext?.traceparent;
  if (typeof text !== 'string') return undefined;
  const match = TRACEPARENT.exec(text);
  if (match === null) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16) & TraceFlags.SAMPLED, isRemote: true };
};

/** A span's context as a W3C trace context; undefined for an invalid one (no SDK and no trace to join). */
export const traceContextOf = (span: Span): TraceContext | undefined => {
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  const state = spanContext.traceState?.serialize();
  const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  return state === undefined || state.length === 0 ? { traceparent } : { traceparent, tracestate: state };
};

/**
 * The context a command is handled in: the caller's active span when there is one, else the trace
 * the command's metadata names, else none (a new trace starts, if an SDK samples one).
 */
export const commandParentContext = (metadata: { readonly traceparent?: unknown } | undefined): Context => {
  const active = context.active();
  if (trace.getSpanContext(active) !== undefined) return active;
  const carried = spanContextOf(metadata);
  return carried === undefined ? active : trace.setSpanContext(active, carried);
};

let tracerOf: { readonly provider: TracerProvider; readonly tracer: Tracer } | undefined;

/**
 * The library's tracer from the provider registered now: an SDK registered (or replaced) after the
 * library was loaded is used from then on. Without one, every span is a non-recording no-op.
 */
export const libraryTracer = (): Tracer => {
  const provider = trace.getTracerProvider();
  if (tracerOf?.provider !== provider) tracerOf = { provider, tracer: provider.getTracer(TELEMETRY_SCOPE) };
  return tracerOf.tracer;
};

/** The library's five metric instruments, taken from one meter provider. */
export interface LibraryInstruments {
  readonly commands: Counter;
  readonly commandDuration: Histogram;
  readonly appendDuration: Histogram;
  readonly projectionLag: ReturnType<Meter['createGauge']>;
  readonly checkpointAge: ReturnType<Meter['createGauge']>;
}

/** Bucket boundaries for durations in seconds, from half a millisecond (an append in memory) to seconds (a store far away). */
const SECONDS = { explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };

let instrumentsOf: { readonly provider: MeterProvider; readonly instruments: LibraryInstruments } | undefined;

/**
 * The library's metric instruments from the meter provider registered now. Metrics have no proxy
 * provider as traces do, so the instruments are made again when the registered provider changes.
 */
export const libraryInstruments = (): LibraryInstruments => {
  const provider = metrics.getMeterProvider();
  if (instrumentsOf?.provider === provider) return instrumentsOf.instruments;
  const meter = provider.getMeter(TELEMETRY_SCOPE);
  const names = TELEMETRY.metrics;
  const instruments: LibraryInstruments = {
    commands: meter.createCounter(names.commands, { description: 'Commands handled, by type and outcome', unit: '{command}' }),
    commandDuration: meter.createHistogram(names.commandDuration, { description: 'Time to handle a command, from decoding to the stored events', unit: 's', advice: SECONDS }),
    appendDuration: meter.createHistogram(names.appendDuration, { description: 'Time the event store took to append one command’s events', unit: 's', advice: SECONDS }),
    projectionLag: meter.createGauge(names.projectionLag, {
      description: 'How far behind the log’s head a read model is after a batch, in the event store’s positions: events in memory and SQLite, bytes of the transaction log on EventStoreDB',
      unit: '{position}',
    }),
    checkpointAge: meter.createGauge(names.checkpointAge, {
      description: 'Time between the recording of the last event a read model applied and that batch’s commit',
      unit: 's',
    }),
  };
  instrumentsOf = { provider, instruments };
  return instruments;
};

/**
 * Attribute sets kept per key, so that recording a metric on the hot path builds no object: with no
 * SDK registered the instruments are no-ops, and nothing else should cost.
 */
export const attributeCache = <Key extends string>(build: (key: Key) => Attributes) => {
  const cached = new Map<Key, Attributes>();
  return (key: Key): Attributes => {
    let attributes = cached.get(key);
    if (attributes === undefined) {
      attributes = build(key);
      cached.set(key, attributes);
    }
    return attributes;
  };
};

/** Seconds since a `performance.now()` reading, as OpenTelemetry's duration metrics are measured. */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;
