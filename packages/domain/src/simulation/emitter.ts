import type { Role } from '../shared/roles.js';
import { isoLocal, onDuty } from './calendar.js';
import type { DepartmentCommandJson, Timeline } from './timeline.js';

type CommandType = DepartmentCommandJson['type'];
type DataOf<T extends CommandType> = Extract<DepartmentCommandJson, { readonly type: T }>['data'];

export interface Actor {
  readonly id: string;
  readonly role: Role;
}

/**
 * Writes one aggregate's commands onto the timeline, each at the working hour nearest after the
 * instant asked for (people do not confirm receipts at midnight). With `inOrder`, for a life written
 * step after step, each command also comes strictly after the one before. Command ids are
 * `<aggregate id>/<n>`: unique, stable for a seed, and naming the aggregate a command was for.
 */
export const emitterFor = (timeline: Timeline, aggregateId: string, inOrder = false) => {
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  return <T extends CommandType>(wanted: number, actor: Actor, type: T, data: DataOf<T>, commandId?: string): void => {
    count += 1;
    const at = inOrder ? onDuty(Math.max(onDuty(wanted), last + 1000)) : onDuty(wanted);
    last = at;
    const command = {
      type,
      data,
      metadata: { commandId: commandId ?? `${aggregateId}/${count}`, actor: { id: actor.id, role: actor.role }, at: isoLocal(at) },
    } as Extract<DepartmentCommandJson, { readonly type: T }>;
    timeline.add(at, command);
  };
};
