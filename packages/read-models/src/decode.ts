import type { RecordedEvent } from '@aftersales/core';
import type { DepartmentEvent } from '@aftersales/domain';
import { departmentEventSchema, departmentUpcasting } from '@aftersales/domain';

const departmentTypes = new Set<string>(
  departmentEventSchema.options.flatMap((aggregateEvents) => aggregateEvents.options.map((option) => option.shape.type.value)),
);

export type Decoded =
  | { readonly kind: 'department'; readonly event: DepartmentEvent }
  | { readonly kind: 'foreign' }
  | { readonly kind: 'undecodable'; readonly problem: string };

/**
 * Reads a stored event as one of the department's events: upcast to the current schema version, then
 * decoded with the domain's schema. An event type the department does not have is `foreign` (a
 * security log entry, or a newer library's event); a department event whose data does not decode is
 * reported, never guessed at. The read models decode each event once and hand the result to both.
 */
export const decodeDepartmentEvent = (recorded: RecordedEvent): Decoded => {
  if (!departmentTypes.has(recorded.type)) return { kind: 'foreign' };
  if (recorded.metadata.undecodable !== undefined) return { kind: 'undecodable', problem: recorded.metadata.undecodable };
  const upcast = departmentUpcasting.upcast(recorded, recorded.type, recorded.metadata.schemaVersion, recorded.data);
  if (upcast._tag === 'Left') return { kind: 'undecodable', problem: upcast.left.message };
  const parsed = departmentEventSchema.safeParse({ type: recorded.type, data: upcast.right });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ');
    return { kind: 'undecodable', problem: `${recorded.type} does not decode (${detail})` };
  }
  return { kind: 'department', event: parsed.data };
};
