import { z } from 'zod';
import { AppraisalCommand } from '../appraisal/commands.js';
import { BudgetCommand } from '../budget/commands.js';
import { RepairOrderCommand } from '../repair-order/commands.js';
import { ServiceStandardCommand } from '../service-standard/commands.js';
import { ImprovementCommand } from '../improvement/commands.js';
import { SuggestionCommand } from '../suggestion/commands.js';
import { AssignmentCommand } from '../assignment/commands.js';
import { EmployeeCommand } from '../employee/commands.js';
import { JobDescriptionCommand } from '../job-description/commands.js';

/**
 * The data fields of every command, rendered from the zod schemas the department decodes with, for
 * docs/domain.md. `pnpm docs:domain` writes it between the markers; a test fails when it is stale.
 */
export const START_MARKER = '<!-- command data: generated from the zod schemas by `pnpm docs:domain`, do not edit -->';
export const END_MARKER = '<!-- end of the generated command data -->';

const aggregates = [
  ['RepairOrder', RepairOrderCommand],
  ['ServiceStandard', ServiceStandardCommand],
  ['Appraisal', AppraisalCommand],
  ['Budget', BudgetCommand],
  ['Improvement', ImprovementCommand],
  ['Suggestion', SuggestionCommand],
  ['Assignment', AssignmentCommand],
  ['Employee', EmployeeCommand],
  ['JobDescription', JobDescriptionCommand],
] as const;

interface JsonSchema {
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
}

/** The pattern of ids (`Id` in shared/schemas.ts), named rather than shown. */
const NO_CONTROL_CHARACTERS = '^[^\\p{Cc}]+$';

const lengths = (min: number | undefined, max: number | undefined, unit: string): string => {
  const of = (count: number) => `${count} ${count === 1 ? unit : `${unit}s`}`;
  if (min !== undefined && max !== undefined) return `${min}–${of(max)}`;
  if (min !== undefined) return `at least ${of(min)}`;
  return max === undefined ? '' : `at most ${of(max)}`;
};

const describe = (schema: JsonSchema): string => {
  if (schema.anyOf) return schema.anyOf.map(describe).join(' or ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return `one of ${schema.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'date-time') return 'instant (ISO 8601, with an offset)';
      const parts = ['text', lengths(schema.minLength, schema.maxLength, 'character')].filter((part) => part !== '').join(' of ');
      if (schema.pattern === NO_CONTROL_CHARACTERS) return `${parts}, no control characters`;
      return schema.pattern === undefined ? parts : `${parts} matching \`${schema.pattern}\``;
    }
    case 'integer':
    case 'number': {
      const kind = schema.type === 'integer' ? 'integer' : 'number';
      const maximum = schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum;
      const range = schema.minimum !== undefined && maximum !== undefined ? ` from ${schema.minimum} to ${maximum}` : schema.minimum !== undefined ? ` ≥ ${schema.minimum}` : maximum !== undefined ? ` ≤ ${maximum}` : '';
      return `${kind}${range}`;
    }
    case 'boolean':
      return '`true` or `false`';
    case 'array': {
      const count = lengths(schema.minItems, schema.maxItems, 'item');
      return `list of ${schema.items ? describe(schema.items) : 'anything'}${count === '' ? '' : ` (${count})`}`;
    }
    case 'object':
      return 'object';
    default:
      return 'any JSON value';
  }
};

/** One row per field, nested objects' fields as `parent.child` and list items' fields as `list[].child`. */
const rows = (schema: JsonSchema, prefix: string): string[][] =>
  Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const required = schema.required?.includes(name) ? 'required' : 'optional';
    const own = [path, describe(field), required];
    if (field.type === 'object') return [own, ...rows(field, `${path}.`)];
    if (field.type === 'array' && field.items?.type === 'object') return [own, ...rows(field.items, `${path}[].`)];
    return [own];
  });

export const renderCommandData = (): string => {
  const lines = [
    START_MARKER,
    '',
    'Every command is `{ type, data, metadata }`; `metadata` is the same for all (`commandId`, `actor`',
    '`{ id, role }`, `at`, and optionally `correlationId` and `causationId`). An unknown field is',
    'refused as `InvalidCommand` naming it. Rules that span fields (a failed inspection names a defect,',
    'a list names each item once) are in the sections below.',
  ];
  for (const [aggregate, union] of aggregates) {
    lines.push('', `### ${aggregate}`, '', '| Command | Field | Type | |', '| --- | --- | --- | --- |');
    for (const option of union.options) {
      const data = z.toJSONSchema(option.shape.data, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
      const fields = rows(data, '');
      const type = option.shape.type.value;
      if (fields.length === 0) lines.push(`| \`${type}\` | (none) | | |`);
      for (const [index, [path, description, required]] of fields.entries()) {
        lines.push(`| ${index === 0 ? `\`${type}\`` : ''} | \`${path}\` | ${description!.replace(/\|/g, '\\|')} | ${required} |`);
      }
    }
  }
  lines.push('', END_MARKER);
  return lines.join('\n');
};

/** The document with its generated part replaced; the markers must already be there. */
export const withCommandData = (document: string): string => {
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error('docs/domain.md has no command-data markers');
  return document.slice(0, start) + renderCommandData() + document.slice(end + END_MARKER.length);
};
