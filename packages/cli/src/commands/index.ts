import type { CliCommand } from '../context.js';
import { auditTrail } from './audit-trail.js';
import { auditVerify } from './verify.js';
import { gdpr } from './gdpr.js';
import { report } from './report.js';
import { demo } from './demo.js';
import { exportLog } from './export.js';
import { importLog } from './import.js';
import { kpi } from './kpi.js';
import { run } from './run.js';

/** Every subcommand, in the order `--help` lists them. A new subcommand is a file here and a line below. */
export const commands: readonly CliCommand[] = [demo, run, kpi, auditTrail, exportLog, importLog, auditVerify, gdpr, report];
