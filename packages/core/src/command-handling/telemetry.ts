import * as E from 'fp-ts/lib/Either.js';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AnyAggregateDefinition } from '../aggregate.js';
import type { DomainError } from '../errors.js';
import type { EventToAppend } from '../messages.js';
import type { CommandOutcome } from '../telemetry.js';
import { attributeCache, commandParentContext, libraryInstruments, libraryTracer, secondsSince, TELEMETRY, traceContextOf } from '../telemetry.js';
import type { CommandAccepted } from './types.js';

const { attributes: names, spans } = TELEMETRY;

/** Errors of the store rather than of the command: their spans are marked failed; a refusal by the domain is an outcome, not a failure. */
const STORE_FAILURES: ReadonlySet<string> = new Set(['StoreUnavailable', 'CorruptedEvent', 'AccessDenied', 'StoreRejected', 'InvalidAppend', 'ConcurrencyConflict']);

/** A command's type as telemetry names it: one of the aggregate's, so that what a caller sends cannot make up span or metric names. */
const commandTypeOf = (definition: AnyAggregateDefinition, raw: unknown): string => {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' && (definition.commandTypes as readonly string[]).includes(type) ? type : 'unknown';
};

type Outcome = E.Either<{ readonly code: string }, unknown>;

/** A command being handled: its span (non-recording without an SDK), the context of its steps, its clock. */
export interface CommandInFlight {
  readonly type: string;
  readonly started: number;
  readonly span: Span;
  readonly recording: boolean;
  readonly inHandle: Context;
}

const endChild = (child: Span | undefined, result: Outcome): void => {
  if (child === undefined) return;
  if (E.isLeft(result)) {
    child.setAttribute(names.errorCode, result.left.code);
    if (STORE_FAILURES.has(result.left.code)) child.setStatus({ code: SpanStatusCode.ERROR, message: result.left.code });
  }
  child.end();
};

const metadataOf = (raw: unknown): { readonly traceparent?: unknown; readonly tracestate?: unknown; readonly commandId?: unknown } | undefined => {
  const metadata = typeof raw === 'object' && raw !== null ? (raw as { metadata?: unknown }).metadata : undefined;
  return typeof metadata === 'object' && metadata !== null ? metadata : undefined;
};

/**
 * The telemetry of the command handling over one store: a `handle <CommandType>` span per command
 * with `load`, `decide` and `append` children, and the command and append metrics. Without an SDK
 * the spans are non-recording, no attribute object is built, and the metrics are no-ops recorded
 * with attribute sets made once.
 */
export const commandTelemetry = (dbSystem: string | undefined) => {
  const storeAttributes: Attributes = dbSystem === undefined ? {} : { [names.dbSystem]: dbSystem };
  const byOutcome = new Map<string, (outcome: CommandOutcome) => Attributes>();
  const metricAttributes = (type: string, outcome: CommandOutcome): Attributes => {
    let ofType = byOutcome.get(type);
    if (ofType === undefined) {
      ofType = attributeCache((one: CommandOutcome) => ({ [names.commandType]: type, [names.outcome]: one }));
      byOutcome.set(type, ofType);
    }
    return ofType(outcome);
  };

  /** Starts one command's span and clock. */
  const start = (definition: AnyAggregateDefinition, raw: unknown): CommandInFlight => {
    const started = performance.now();
    const type = commandTypeOf(definition, raw);
    const metadata = metadataOf(raw);
    const parent = commandParentContext(metadata);
    const span = libraryTracer().startSpan(`${spans.handlePrefix}${type}`, undefined, parent);
    const recording = span.isRecording();
    if (recording) {
      span.setAttribute(names.commandType, type);
      if (typeof metadata?.commandId === 'string') span.setAttribute(names.commandId, metadata.commandId);
    }
    return { type, started, span, recording, inHandle: recording ? trace.setSpan(parent, span) : parent };
  };

  const childSpan = (command: CommandInFlight, name: string, streamId: string, onStore: boolean): Span | undefined =>
    command.recording
      ? libraryTracer().startSpan(name, { attributes: onStore ? { [names.stream]: streamId, ...storeAttributes } : { [names.stream]: streamId } }, command.inHandle)
      : undefined;

  return {
    start,
    /** The command decoded: its stream is known. */
    received: (command: CommandInFlight, streamId: string): void => {
      if (command.recording) command.span.setAttribute(names.stream, streamId);
    },
    /** Reads the stream in a `load` span. */
    load: async <R extends Outcome>(command: CommandInFlight, streamId: string, run: () => Promise<R>): Promise<R> => {
      const child = childSpan(command, spans.load, streamId, true);
      const result = await run();
      endChild(child, result);
      return result;
    },
    /** Decides in a `decide` span. */
    decide: <R extends Outcome>(command: CommandInFlight, streamId: string, run: () => R): R => {
      const child = childSpan(command, spans.decide, streamId, false);
      const result = run();
      endChild(child, result);
      return result;
    },
    /**
     * Appends in an `append` span, the events carrying that span's trace context in their metadata
     * (or the caller's, when nothing records spans but a trace was handed in), so that the read side
     * can link to it.
     */
    append: async <R extends Outcome>(
      command: CommandInFlight,
      streamId: string,
      events: readonly EventToAppend[],
      run: (events: readonly EventToAppend[]) => Promise<R>,
    ): Promise<R> => {
      const child = childSpan(command, spans.append, streamId, true);
      child?.setAttribute(names.events, events.length);
      const carried = traceContextOf(child ?? command.span);
      const traced = carried === undefined ? events : events.map((event) => ({ ...event, metadata: { ...event.metadata, trace: carried } }));
      const appendStarted = performance.now();
      const result = await run(traced);
      libraryInstruments().appendDuration.record(secondsSince(appendStarted), storeAttributes);
      endChild(child, result);
      return result;
    },
    /** Ends the command's span with its outcome and records the command metrics. */
    finish: (command: CommandInFlight, result: E.Either<DomainError, CommandAccepted>): E.Either<DomainError, CommandAccepted> => {
      const outcome: CommandOutcome = E.isLeft(result) ? 'refused' : result.right.duplicate ? 'duplicate' : 'accepted';
      const { span } = command;
      if (command.recording) {
        span.setAttribute(names.outcome, outcome);
        if (E.isLeft(result)) {
          span.setAttribute(names.errorCode, result.left.code);
          if (STORE_FAILURES.has(result.left.code)) span.setStatus({ code: SpanStatusCode.ERROR, message: result.left.code });
        }
      }
      span.end();
      const instruments = libraryInstruments();
      const attributes = metricAttributes(command.type, outcome);
      instruments.commands.add(1, attributes);
      instruments.commandDuration.record(secondsSince(command.started), attributes);
      return result;
    },
  };
};

export type CommandTelemetry = ReturnType<typeof commandTelemetry>;

const nothingInFlight: CommandInFlight = { type: '', started: 0, span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), recording: false, inHandle: ROOT_CONTEXT };

/** The same steps without telemetry (`telemetry: false`): each runs as it is, nothing is recorded or carried. */
export const noCommandTelemetry: CommandTelemetry = {
  start: () => nothingInFlight,
  received: () => undefined,
  load: (_command, _streamId, run) => run(),
  decide: (_command, _streamId, run) => run(),
  append: (_command, _streamId, events, run) => run(events),
  finish: (_command, result) => result,
};
