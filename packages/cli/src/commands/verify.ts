import { existsSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import type { LogAnchor, VerificationReport, VerifyOptions } from '@aftersales/core';
import { escapeForTerminal as shown, describeProblem, formatAnchor, parseAnchor, parseAnchorLines, verifyLog } from '@aftersales/core';
import { verifyExportedFile } from '@aftersales/core/log-transfer';
import { CliError, ExitCode, mustBeFile, storeError, usageError } from '../cli-error.js';
import type { CliCommand, CliContext } from '../context.js';
import { action, commandGroup, repeated, storeOption, withStore } from '../context.js';
import { parseInstant } from '../instants.js';
import { auditorOf, sealStore, writeAnchorFile } from '../sealing.js';
import { readSmallFile, readSmallTextFile } from '../options.js';
import { toJson } from '../output.js';
import { checkReadModelsUrl } from '../read-models.js';
import { checkReadModels } from './verify-read-models.js';

/** How many problems are printed before the rest are only counted. */
const PROBLEMS_SHOWN = 50;

interface IntegrityOptions {
  readonly store: string;
  readonly file?: string;
  readonly auditKeyFile?: string;
  readonly anchor?: readonly string[];
  readonly readModels?: string;
  readonly json?: boolean;
}

/**
 * The auditor's key: 32 bytes or more, as raw bytes, hex or base64 in a file, never on the command
 * line where the shell's history and the process list would show it.
 */
export const readAuditKey = (file: string): Uint8Array => {
  const content = readSmallFile('--audit-key-file', file, 64 * 1024);
  const text = content.toString('utf8').trim();
  const key = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]+=*$/.test(text) ? Buffer.from(text, 'base64') : content;
  if (key.length < 32) throw usageError(`the audit key in ${file} has ${key.length} bytes; it needs at least 32`);
  return key;
};

/**
 * An `--anchor` value: `<count>:<digest>` as printed, or a file written by `audit seal --anchor-out`
 * (one anchor a line; blank lines and lines starting with # are skipped).
 */
export const readAnchors = (value: string): LogAnchor[] => {
  const given = parseAnchor(value);
  if (E.isRight(given)) return [given.right];
  // Digits and a colon are an anchor given inline, never a file name: say what is wrong with it.
  if (/^\d+:/.test(value)) throw usageError(`--anchor: ${given.left}`);
  if (!existsSync(value)) throw usageError(`--anchor ${JSON.stringify(value)} is neither <count>:<digest> nor a readable anchor file`);
  const content = readSmallTextFile('--anchor', value, 1024 * 1024);
  const anchors = parseAnchorLines(content);
  if (E.isLeft(anchors)) throw usageError(`the anchor file ${value}: ${anchors.left}`);
  return anchors.right;
};

export const verifyOptionsOf = (options: Pick<IntegrityOptions, 'auditKeyFile' | 'anchor'>): VerifyOptions => {
  const anchors: LogAnchor[] = (options.anchor ?? []).flatMap(readAnchors);
  return {
    ...(options.auditKeyFile === undefined ? {} : { auditKey: readAuditKey(options.auditKeyFile) }),
    ...(anchors.length === 0 ? {} : { anchors }),
  };
};

/** What `audit verify` prints: the verdict, then each problem with where it is, then the anchor to keep. */
export const describeVerification = (report: VerificationReport): string[] => {
  const lines: string[] = [];
  const checkpoints = `${report.checkpoints} checkpoint(s)${report.checkpoints > 0 ? (report.checkpointsAuthenticated ? ', MACs checked with the audit key' : ', MACs not checked (no --audit-key-file)') : ''}`;
  // Seals made between two audits carry no MAC: say how far the key itself vouches.
  const vouched =
    report.checkpointsAuthenticated && report.vouchedEventCount > 0
      ? [`the audit key vouches for the first ${report.vouchedEventCount} event(s)${report.vouchedEventCount < report.eventCount ? `; the ${report.eventCount - report.vouchedEventCount} after them rest on the hash chain and checkpoints without a MAC` : ''}`]
      : [];
  const anchors = report.anchorsChecked > 0 ? `, ${report.anchorsChecked} anchor(s)` : '';
  if (report.intact) {
    lines.push(`intact: ${report.eventCount} event(s) in ${report.streamCount} stream(s); every hash, link and revision checked; ${checkpoints}${anchors}`, ...vouched);
  } else {
    lines.push(`NOT INTACT: ${report.problemCount} problem(s) in ${report.eventCount} event(s) of ${report.streamCount} stream(s); ${checkpoints}${anchors}`);
    for (const problem of report.problems.slice(0, PROBLEMS_SHOWN)) lines.push(`  ${describeProblem(problem)}`);
    if (report.problemCount > PROBLEMS_SHOWN) lines.push(`  … and ${report.problemCount - PROBLEMS_SHOWN} more (--json lists them)`);
  }
  lines.push(`anchor: ${formatAnchor(report.anchor)}`);
  return lines;
};

interface SealCommandOptions {
  readonly store: string;
  readonly auditKeyFile?: string;
  readonly at?: string;
  readonly actor: string;
  readonly anchorOut?: string;
}

export const verifyCommand = (context: CliContext) =>
  action(async (options: IntegrityOptions) => {
    const verifyOptions = verifyOptionsOf(options);
    checkReadModelsUrl(options.readModels);
    if (options.file !== undefined) {
      await mustBeFile(options.file, { regular: true });
      const verified = await verifyExportedFile(options.file, verifyOptions);
      if (options.json) context.stdout.write(`${toJson({ ...verified.report, intact: verified.problems.length === 0, lines: verified.problems }, 2)}\n`);
      else if (verified.problems.length === 0) context.stdout.write(`${describeVerification(verified.report).map(shown).join('\n')}\n`);
      else {
        context.stdout.write(`NOT INTACT: ${shown(options.file)} has ${verified.problems.length} problem(s)\n`);
        for (const problem of verified.problems.slice(0, PROBLEMS_SHOWN)) context.stdout.write(`  ${shown(problem)}\n`);
        if (verified.problems.length > PROBLEMS_SHOWN) context.stdout.write(`  … and ${verified.problems.length - PROBLEMS_SHOWN} more\n`);
        context.stdout.write(`anchor: ${formatAnchor(verified.report.anchor)}\n`);
      }
      return verified.problems.length === 0 ? ExitCode.ok : ExitCode.problems;
    }
    // No key is needed: the log is verified as stored, and the read models hold no personal data,
    // so their replay reads customers' fields as unavailable and still gives the same rows.
    return withStore(context, options.store, { mustExist: true, keys: 'none' }, async (opened) => {
      const verified = await verifyLog(opened.raw, verifyOptions);
      if (E.isLeft(verified)) throw storeError(verified.left);
      const report = verified.right;
      // Read models are derived from the log: only an intact log can prove them.
      const readModels = report.intact ? await checkReadModels(opened, options.readModels) : undefined;
      if (options.json) {
        context.stdout.write(`${toJson({ ...report, readModels: readModels?.verification ?? null }, 2)}\n`);
      } else {
        context.stdout.write(`${[...describeVerification(report), ...(readModels?.lines ?? [])].map(shown).join('\n')}\n`);
      }
      return report.intact && readModels?.tampered !== true ? ExitCode.ok : ExitCode.problems;
    });
  });

export const auditVerify: CliCommand = {
  register(program, context) {
    commandGroup(program, 'audit')
      .command('verify')
      .option('--audit-key-file <file>', 'the auditor key: every MAC a checkpoint carries must be its own, and at least one checkpoint must carry one')
      .option('--anchor <count:digest|file>', 'an anchor kept from an earlier seal or verification, or a file of them (repeatable): the first <count> events must still give <digest>', repeated)
      .option('--file <export.jsonl>', 'verify an exported log (from `aftersales export`) instead of a store')
      .option('--read-models <url>', "the stored read models to compare with a replay of the log (sqlite:<path>, postgres://…); the log's SQLite file by default")
      .option('--json', 'print the full report as JSON')
      .addOption(storeOption(context))
      .action(verifyCommand(context));
  },
};

export const auditSeal: CliCommand = {
  register(program, context) {
    commandGroup(program, 'audit')
      .command('seal')
      .option('--audit-key-file <file>', 'sign the checkpoint with the auditor key (HMAC-SHA256)')
      .option('--at <instant>', 'the business time of the seal (now by default)')
      .option('--actor <id>', 'who seals (recorded as an Auditor)', 'auditor')
      .option('--anchor-out <file>', 'also write the anchor to this file, to keep apart from the log for `audit verify --anchor <file>`')
      .addOption(storeOption(context))
      .action(
        action(async (options: SealCommandOptions) => {
          const at = options.at === undefined ? new Date().toISOString() : parseInstant('--at', options.at);
          const actor = auditorOf(options.actor);
          const auditKey = options.auditKeyFile === undefined ? undefined : readAuditKey(options.auditKeyFile);
          return withStore(context, options.store, { mustExist: true, keys: 'none' }, async ({ raw }) => {
            const sealed = await sealStore(raw, { actor, at, ...(auditKey === undefined ? {} : { auditKey }) });
            const { report } = sealed;
            if (!report.intact) {
              context.stdout.write(`${describeVerification(report).map(shown).join('\n')}\n`);
              throw new CliError('the log is not intact: nothing was sealed', ExitCode.problems);
            }
            if (options.anchorOut !== undefined) await writeAnchorFile(options.anchorOut, sealed.anchor);
            context.stdout.write(
              sealed.sealed
                ? `sealed the first ${report.eventCount} event(s) (${sealed.checkpoint?.heads.length ?? 0} stream head(s)${auditKey === undefined ? '' : ', with the audit key'})\nanchor: ${formatAnchor(sealed.anchor)}\n`
                : `nothing new to seal since the last checkpoint\nanchor: ${formatAnchor(sealed.anchor)}\n`,
            );
            return ExitCode.ok;
          });
        }),
      );
  },
};
