import type { AppraisalCommand } from '../appraisal/commands.js';
import type { BudgetCommand } from '../budget/commands.js';
import type { RepairOrderCommand } from '../repair-order/commands.js';
import type { ServiceStandardCommand } from '../service-standard/commands.js';
import type { ImprovementCommand } from '../improvement/commands.js';
import type { SuggestionCommand } from '../suggestion/commands.js';
import type { AssignmentCommand } from '../assignment/commands.js';
import type { EmployeeCommand } from '../employee/commands.js';
import type { JobDescriptionCommand } from '../job-description/commands.js';

/** Any command of the department, in the JSON form callers send. */
export type DepartmentCommandJson =
  | RepairOrderCommand
  | ServiceStandardCommand
  | AppraisalCommand
  | BudgetCommand
  | ImprovementCommand
  | SuggestionCommand
  | AssignmentCommand
  | EmployeeCommand
  | JobDescriptionCommand;

interface Scheduled {
  readonly at: number;
  readonly sequence: number;
  readonly command: DepartmentCommandJson;
}

const earlier = (a: Scheduled, b: Scheduled): boolean => a.at < b.at || (a.at === b.at && a.sequence < b.sequence);

/**
 * Commands waiting to be sent, ordered by business time; ties keep the order they were added in, so
 * one aggregate's commands never overtake each other. A binary heap, because a large year keeps
 * several thousand orders in flight at once.
 */
export class Timeline {
  private readonly heap: Scheduled[] = [];
  private sequence = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The business time of the next command, or undefined when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  add(at: number, command: DepartmentCommandJson): void {
    const heap = this.heap;
    heap.push({ at, sequence: this.sequence++, command });
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!earlier(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  take(): DepartmentCommandJson | undefined {
    const heap = this.heap;
    const first = heap[0];
    const last = heap.pop();
    if (first === undefined || last === undefined) return undefined;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
        index = smallest;
      }
    }
    return first.command;
  }
}
