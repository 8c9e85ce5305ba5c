import type { CommandAccepted, CommandHandlerOptions, CommandRouter, DomainError, EventStore, SecurityLog, Upcasting } from '@aftersales/core';
import { createCommandRouter, createSecurityLog, createUpcasting } from '@aftersales/core';
import type * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { AppraisalCommand } from './appraisal/index.js';
import { AppraisalEvent, appraisal } from './appraisal/index.js';
import type { BudgetCommand } from './budget/index.js';
import { BudgetEvent, budget } from './budget/index.js';
import type { WithDepartmentActor } from './command-metadata.js';
import type { RepairOrderCommand } from './repair-order/index.js';
import { RepairOrderEvent, repairOrder } from './repair-order/index.js';
import { repairOrderUpcasters } from './repair-order/upcasters.js';
import type { ServiceStandardCommand } from './service-standard/index.js';
import { ServiceStandardEvent, serviceStandard } from './service-standard/index.js';
import { serviceStandardUpcasters } from './service-standard/upcasters.js';
import type { ImprovementCommand } from './improvement/index.js';
import { ImprovementEvent, improvement } from './improvement/index.js';
import type { SuggestionCommand } from './suggestion/index.js';
import { SuggestionEvent, suggestion } from './suggestion/index.js';
import type { AssignmentCommand } from './assignment/index.js';
import { AssignmentEvent, assignment } from './assignment/index.js';
import type { EmployeeCommand } from './employee/index.js';
import { EmployeeEvent, employee } from './employee/index.js';
import type { JobDescriptionCommand } from './job-description/index.js';
import { JobDescriptionEvent, jobDescription } from './job-description/index.js';

/** The department's nine aggregates, each with its own stream category. */
export const departmentAggregates = [
  repairOrder,
  serviceStandard,
  appraisal,
  budget,
  improvement,
  suggestion,
  assignment,
  employee,
  jobDescription,
] as const;

/** Every upcaster of the department's events: what reads old records as the current shapes. */
export const departmentUpcasting: Upcasting = createUpcasting([...repairOrderUpcasters, ...serviceStandardUpcasters]);

/** Any command the department accepts, as code builds it: the actor's role is one of `Role`. */
export type DepartmentCommand = WithDepartmentActor<
  | RepairOrderCommand
  | ServiceStandardCommand
  | AppraisalCommand
  | BudgetCommand
  | ImprovementCommand
  | SuggestionCommand
  | AssignmentCommand
  | EmployeeCommand
  | JobDescriptionCommand
>;

/**
 * Decodes any department event (`{ type, data }`) for read models. Stored data must be upcast first
 * (with `departmentUpcasting`), as older records carry older shapes.
 */
export const departmentEventSchema = z.discriminatedUnion('type', [
  RepairOrderEvent,
  ServiceStandardEvent,
  AppraisalEvent,
  BudgetEvent,
  ImprovementEvent,
  SuggestionEvent,
  AssignmentEvent,
  EmployeeEvent,
  JobDescriptionEvent,
]);
export type DepartmentEvent = z.infer<typeof departmentEventSchema>;
export type DepartmentEventType = DepartmentEvent['type'];

export type DepartmentOptions = Omit<CommandHandlerOptions, 'upcasting'> & {
  /** The department's own upcasting unless given; pass one only to add upcasters of your own. */
  readonly upcasting?: Upcasting;
};

export interface Department extends Omit<CommandRouter, 'handle'> {
  /**
   * Handles a command built in code: an unknown command type, a missing field or a role that is not
   * one of `Role` does not compile. The command is still decoded, so limits the types cannot say
   * (lengths, formats) are refused as an `InvalidCommand` naming the field.
   */
  handle(command: DepartmentCommand): Promise<E.Either<DomainError, CommandAccepted>>;
  /**
   * Handles a command from outside, such as a parsed JSON request body: anything at all is decoded,
   * and an unknown or malformed command is an `InvalidCommand` naming the problem, never a throw.
   */
  handleUntrusted(raw: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
}

/**
 * The department's entry point: decodes a command, routes it to its aggregate and stream, and
 * handles it through core's command handling. Use `handle` in code and `handleUntrusted` for input
 * received from outside.
 */
export const createDepartment = (options: DepartmentOptions): Department => {
  const router = createCommandRouter({ ...options, upcasting: options.upcasting ?? departmentUpcasting }, departmentAggregates);
  return { ...router, handle: (command) => router.handle(command), handleUntrusted: (raw) => router.handle(raw) };
};

/** The department's command side with its security log: what a program sends commands through. */
export interface DepartmentCommands extends Department {
  /** Where refusals coded `Forbidden`, `InvalidCommand` or `IdempotencyConflict` are recorded (`SecurityLog-<date>` streams). */
  readonly securityLog: SecurityLog;
  /**
   * Records input that never became a command (not JSON, not UTF-8, not a command object) in the
   * security log, by its position and what was wrong: never the input's text. `parsed` is what could
   * be read of it, if anything, for its command id, type and actor where those are identifiers.
   */
  recordMalformed(position: string, problem: string, parsed?: unknown): Promise<void>;
}

/** The command side over a department's store (the decrypting store `departmentEventPipeline` gives): the router, its refusals recorded in the security log. */
export const departmentCommands = (store: EventStore, options: Omit<DepartmentOptions, 'store' | 'onRefused'> = {}): DepartmentCommands => {
  const securityLog = createSecurityLog({ store });
  const department = createDepartment({ ...options, store, onRefused: securityLog.onRefused });
  return {
    ...department,
    securityLog,
    // The problem is the library's own words, never the input's text, so it may stand as the reason.
    recordMalformed: async (position, problem, parsed) =>
      void (await securityLog.onRefused({ error: { code: 'InvalidCommand', message: `${position} is ${problem}` }, command: parsed, position })),
  };
};
