import type { CommandMetadata } from '@aftersales/core';
import type { Role } from './shared/roles.js';

/** Who sends a command in code: an identity and one of the department's roles. */
export interface DepartmentActor {
  readonly id: string;
  readonly role: Role;
}

/** A command's metadata as code builds it: core's metadata, with the actor's role one of `Role`. */
export type DepartmentCommandMetadata = Omit<CommandMetadata, 'actor'> & { readonly actor: DepartmentActor };

/** One decoded command of an aggregate, with its actor's role narrowed to the department's roles. */
export type WithDepartmentActor<C> = C extends { readonly metadata: CommandMetadata }
  ? Omit<C, 'metadata'> & { readonly metadata: DepartmentCommandMetadata }
  : never;

export interface CommandLinks {
  /** The command (or business process) this one belongs to; the command id by default. */
  readonly correlationId?: string;
  /** The command or event that caused this one; the command id by default. */
  readonly causationId?: string;
}

/**
 * The metadata of one command: its id (a retry sends the same id), who sends it and when, as the
 * business saw it. The caller supplies the instant, as deciders read no clock; a `Date` becomes an
 * ISO-8601 instant in UTC.
 */
export const commandMetadata = (
  commandId: string,
  actor: DepartmentActor,
  at: string | Date,
  links: CommandLinks = {},
): DepartmentCommandMetadata => ({
  commandId,
  actor: { id: actor.id, role: actor.role },
  at: typeof at === 'string' ? at : at.toISOString(),
  ...(links.correlationId === undefined ? {} : { correlationId: links.correlationId }),
  ...(links.causationId === undefined ? {} : { causationId: links.causationId }),
});
