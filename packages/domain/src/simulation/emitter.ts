import type { Role } from '../shared/roles.js';
import { isoLocal } from './calendar.js';
import type { DepartmentCommandJson, Timeline } from './timeline.js';

type CommandType = DepartmentCommandJson['type'];
type DataOf<T extends CommandType> = Extract<DepartmentCommandJson, { readonly type: T }>['data'];

export interface Actor {
  readonly id: string;
  readonly role: Role;
}

/**
 * Writes one aggregate's commands onto the timeline. Command ids are `<aggregate id>/<n>`, so they are
 * unique, stable for a seed, and tell a reader of the log which aggregate a command was for.
 */
export const emitterFor = (timeline: Timeline, aggregateId: string) => {
  let count = 0;
  return <T extends CommandType>(at: number, actor: Actor, type: T, data: DataOf<T>, commandId?: string): void => {
    count += 1;
    const command = {
      type,
      data,
      metadata: { commandId: commandId ?? `${aggregateId}/${count}`, actor: { id: actor.id, role: actor.role }, at: isoLocal(at) },
    } as Extract<DepartmentCommandJson, { readonly type: T }>;
    timeline.add(at, command);
  };
};
