import * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition } from '../aggregate.js';
import type { DomainError } from '../errors.js';
import { invalidCommand } from '../errors.js';
import { createCommandHandler } from './handler.js';
import type { CommandAccepted, CommandHandlerOptions } from './types.js';

/**
 * One entry point for many aggregates: routes a command to the aggregate that handles its `type`.
 * An unknown or missing type is an `InvalidCommand` naming it, reported to `onRefused` like any refusal,
 * and so is an input that throws when it is read (a getter, a proxy).
 */
export const createCommandRouter = (options: CommandHandlerOptions, definitions: readonly AnyAggregateDefinition[]) => {
  const handler = createCommandHandler(options);
  const byType = new Map<string, AnyAggregateDefinition>();
  for (const definition of definitions) {
    for (const type of definition.commandTypes) {
      if (byType.has(type)) throw new Error(`command type ${type} is handled by two aggregates`);
      byType.set(type, definition);
    }
  }
  const route = async (raw: unknown): Promise<E.Either<DomainError, CommandAccepted>> => {
    const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
    const type = isObject ? (raw as { type?: unknown }).type : undefined;
    const definition = typeof type === 'string' ? byType.get(type) : undefined;
    if (definition !== undefined) return handler.handle(definition, raw);
    const error = !isObject
      ? invalidCommand([{ path: '', message: 'a command must be an object with type, data and metadata' }])
      : typeof type !== 'string'
        ? invalidCommand([{ path: 'type', message: 'missing or not a string' }])
        : invalidCommand([{ path: 'type', message: `unknown command type ${JSON.stringify(type)}` }], `unknown command type ${JSON.stringify(type)}`);
    if (options.onRefused) await options.onRefused({ error, command: raw });
    return E.left(error);
  };
  return {
    handler,
    commandTypes: [...byType.keys()],
    definitionFor: (type: string): AnyAggregateDefinition | undefined => byType.get(type),
    handle: async (raw: unknown): Promise<E.Either<DomainError, CommandAccepted>> => {
      try {
        return await route(raw);
      } catch (thrown) {
        // An input whose reading throws (a getter, a proxy) is refused like any malformed command; anything else is a bug and stays thrown.
        const unreadable = unreadableInput(raw, thrown);
        if (unreadable === undefined) throw thrown;
        if (options.onRefused) await options.onRefused({ error: unreadable, command: undefined });
        return E.left(unreadable);
      }
    },
  };
};

/**
 * The refusal of an input that cannot be read as data, when reading it is what threw: a copy of it
 * (which reads every property, as decoding does) throws too. Undefined when the input reads fine.
 */
const unreadableInput = (raw: unknown, thrown: unknown): DomainError | undefined => {
  try {
    structuredClone(raw);
    return undefined;
  } catch {
    const why = thrown instanceof Error ? thrown.message : String(thrown);
    const message = `the command could not be read as data: reading it threw (${why.slice(0, 200)})`;
    return invalidCommand([{ path: '', message }], `invalid command: ${message}`);
  }
};

export type CommandRouter = ReturnType<typeof createCommandRouter>;
