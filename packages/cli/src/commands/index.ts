import type { CliCommand } from '../context.js';

/**
 * A subcommand as `--help` lists it, and the module that defines its options and its action. Only
 * the modules of the subcommand that runs are loaded: each one imports the packages it needs (the
 * domain, the read models, SQLite, the report's charts), and loading all of them at every start
 * cost more than most subcommands' own work.
 */
export interface CommandEntry {
  /** The words that name it: `['kpi']`, or a group and a subcommand, `['audit', 'trail']`. */
  readonly path: readonly [string] | readonly [string, string];
  readonly description: string;
  load(): Promise<CliCommand>;
}

/** The groups of subcommands (`audit …`, `gdpr …`), with the line `--help` gives each. */
export const groups: Readonly<Record<string, string>> = {
  audit: 'The audit trail and the integrity of the log',
  gdpr: "Customers' and employees' personal data",
};

/** Every subcommand, in the order `--help` lists them. A new subcommand is a file here and an entry below. */
export const commands: readonly CommandEntry[] = [
  {
    path: ['demo'],
    description: 'Simulate a year of the department through the library, then show the eighteen KPIs for the year and each quarter',
    load: async () => (await import('./demo.js')).demo,
  },
  {
    path: ['run'],
    description: 'Send commands, one JSON object a line, in order; print one JSON result a line',
    load: async () => (await import('./run.js')).run,
  },
  {
    path: ['kpi'],
    description: 'The eighteen KPIs (达标率) of a period, as of an instant, or the items of one KPI',
    load: async () => (await import('./kpi.js')).kpi,
  },
  {
    path: ['audit', 'trail'],
    description: 'Who did what, when, in which role: every event of the log and every refused command, as an auditor reads them',
    load: async () => (await import('./audit-trail.js')).auditTrail,
  },
  {
    path: ['export'],
    description: 'Write the whole log to stdout as JSON Lines: every event with all its metadata and its global position',
    load: async () => (await import('./export.js')).exportLog,
  },
  {
    path: ['import'],
    description: 'Load an exported log into an empty store, all or nothing; the streams read back identical, hashes included',
    load: async () => (await import('./import.js')).importLog,
  },
  {
    path: ['audit', 'verify'],
    description: 'Prove the log unaltered: every hash, link, revision, checkpoint and anchor; exit 0 when intact, 1 naming each problem',
    load: async () => (await import('./verify.js')).auditVerify,
  },
  {
    path: ['audit', 'seal'],
    description: 'Verify the log and, if intact, append an integrity checkpoint naming the head of every stream changed since the last one',
    load: async () => (await import('./verify.js')).auditSeal,
  },
  {
    path: ['gdpr', 'erase'],
    description: "Erase a customer's name and phone from every order by destroying their key; the log and its hashes stay as they are",
    load: async () => (await import('./gdpr.js')).gdpr,
  },
  {
    path: ['report'],
    description: 'Replay the log into an audit report: report.json, report.md and a self-contained report.html; exit 1 if the log is not intact',
    load: async () => (await import('./report.js')).report,
  },
];
