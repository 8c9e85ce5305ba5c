import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCommandData, withCommandData } from './command-data.js';

describe('the command data in docs/domain.md', () => {
  it('is what the zod schemas give today (run `pnpm docs:domain` after changing a command)', () => {
    const document = readFileSync(new URL('../../../../docs/domain.md', import.meta.url), 'utf8');
    expect(withCommandData(document)).toBe(document);
  });

  it('names every field with its constraints, nested fields by their path', () => {
    const rendered = renderCommandData();
    expect(rendered).toContain('| `ReceiveRepairOrder` | `orderId` | text matching `^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$` | required |');
    expect(rendered).toContain('|  | `customer.name` | text | required |');
    expect(rendered).toContain('|  | `workItems` | list of one of `hemming`, `waistAlteration`, `creativeRepair`, `other` (1–200 items) | required |');
    expect(rendered).toMatch(/\| `ScheduleRepair` \| `orderId` \|[^\n]*\n\| {2}\| `promisedBy` \| instant \(ISO 8601, with an offset\) \| required \|/);
  });
});
