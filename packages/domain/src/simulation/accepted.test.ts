import * as E from 'fp-ts/lib/Either.js';
import { InMemoryEventStore, createCommandRouter } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { departmentAggregates, departmentUpcasting } from '../department.js';
import { deliberateRefusals, simulateYear } from './index.js';

describe('a simulated year through command handling', () => {
  it('is accepted command by command, except the deliberate refusals, each with its documented code', async () => {
    const router = createCommandRouter(
      { store: new InMemoryEventStore(), upcasting: departmentUpcasting },
      departmentAggregates,
    );
    const refused: Array<{ commandId: string; code: string; message: string }> = [];
    let accepted = 0;
    for (const command of simulateYear({ seed: 2026, orders: 800 })) {
      const result = await router.handle(JSON.parse(JSON.stringify(command)));
      if (E.isRight(result)) accepted += 1;
      else refused.push({ commandId: command.metadata.commandId, code: result.left.code, message: result.left.message });
    }
    expect(refused.filter((refusal) => deliberateRefusals.get(refusal.commandId) !== refusal.code)).toEqual([]);
    expect(refused.map((refusal) => refusal.commandId).sort()).toEqual([...deliberateRefusals.keys()].sort());
    expect(accepted).toBeGreaterThan(800 * 12);
  }, 60_000);
});
