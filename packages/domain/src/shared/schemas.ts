import { CommandMetadata, Instant } from '@aftersales/core';
import { z } from 'zod';

/** Identifiers of orders, endpoints, people…: non-empty, bounded, no control characters. */
export const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

/** Free text a person wrote: bounded so that one command cannot bloat the log. */
export const Text = z.string().max(2000);

/** Money is an integer number of fen (分), never negative. */
export const Fen = z.number().int('must be an integer number of fen').nonnegative('must not be negative').max(Number.MAX_SAFE_INTEGER);

export { Instant };

/**
 * Builds the schema of one command: `{ type, data, metadata }`, strict, so an unknown field is an
 * error naming it.
 */
export const commandSchema = <const T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), data, metadata: CommandMetadata });

/** Builds the schema of one event: `{ type, data }`. */
export const eventSchema = <const T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data });
