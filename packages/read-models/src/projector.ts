import * as E from 'fp-ts/lib/Either.js';
import type { RecordedEvent } from '@aftersales/core';
import { canonicalJson } from '@aftersales/core';
import { sha256Hex } from '@aftersales/core/adapter-kit';
import type { AuditEntry } from './audit-trail.js';
import { auditEntryOf } from './audit-trail.js';
import type { BackendError, BatchWrite, Checkpoint, ReadModelBackend, ReadModelName, SubjectWrite } from './backend.js';
import { itemRowOf, latestFactMs, SCHEMA_VERSION } from './backend.js';
import type { KpiConfig } from './config.js';
import { rulesResolver } from './config.js';
import { decodeDepartmentEvent } from './decode.js';
import type { SubjectFacts, UndecodableEvent } from './facts/schema.js';
import { applyToSubject } from './facts/apply.js';
import { kpiEffectOf } from './kpi-facts.js';
import type { JudgeContext } from './kpi-definitions.js';
import { judgeSubject, kpisOfSubject } from './kpi-judges.js';

/**
 * The version each read model writes into its checkpoints. A stored read model of another version is
 * rebuilt: bump the number when what a read model derives from an event changes. The KPI facts'
 * version also names the settings its item rows were judged with.
 */
export const readModelVersions = (config: KpiConfig): Readonly<Record<ReadModelName, string>> => ({
  'kpi-facts': `kpi-facts/${SCHEMA_VERSION}.2;settings=${sha256Hex(canonicalJson(config)).slice(0, 16)}`,
  // The audit trail's rows did not change with the schema's version 2: it is not rebuilt for it.
  'audit-trail': 'audit-trail/1.2',
});

/** What every batch is projected with, derived once from the KPI settings: the versions to stamp and the rules to judge by. */
export interface ProjectionSettings {
  readonly versions: Readonly<Record<ReadModelName, string>>;
  readonly rulesAt: JudgeContext['rulesAt'];
}

export const projectionSettings = (config: KpiConfig): ProjectionSettings => ({ versions: readModelVersions(config), rulesAt: rulesResolver(config) });

const checkpointAt = (readModel: ReadModelName, event: RecordedEvent, version: string): Checkpoint => ({
  readModel,
  position: event.globalPosition,
  streamId: event.streamId,
  revision: event.revision,
  hash: event.metadata.hash,
  version,
});

/**
 * Turns a batch of events into the rows it changes. Each event is decoded once and the decoding
 * serves both read models; the subjects it touches are loaded in one query, updated in memory and
 * written back whole with their items, judged as known at the head of the log. Events at or before
 * a read model's checkpoint are skipped for that read model, so a batch replayed after a crash or
 * after losing a race changes nothing twice.
 */
export const projectBatch = async (
  backend: ReadModelBackend,
  events: readonly RecordedEvent[],
  checkpoints: ReadonlyMap<ReadModelName, Checkpoint>,
  settings: ProjectionSettings,
): Promise<E.Either<BackendError, BatchWrite>> => {
  const { versions } = settings;
  const kpiAfter = checkpoints.get('kpi-facts')?.position ?? -1n;
  const auditAfter = checkpoints.get('audit-trail')?.position ?? -1n;
  const audit: AuditEntry[] = [];
  const undecodable: UndecodableEvent[] = [];
  const changes: Array<{ key: string; recorded: RecordedEvent; event: Parameters<typeof applyToSubject>[1] }> = [];
  for (const recorded of events) {
    const forKpis = recorded.globalPosition > kpiAfter;
    const forAudit = recorded.globalPosition > auditAfter;
    if (!forKpis && !forAudit) continue;
    const decoded = decodeDepartmentEvent(recorded);
    if (forAudit) audit.push(auditEntryOf(recorded, decoded));
    if (!forKpis) continue;
    const effect = kpiEffectOf(recorded, decoded);
    if (effect.kind === 'undecodable') undecodable.push(effect.entry);
    if (effect.kind === 'subject') changes.push({ key: effect.key, recorded, event: effect.event });
  }
  const loaded = await backend.loadSubjects([...new Set(changes.map((change) => change.key))]);
  if (E.isLeft(loaded)) return loaded;
  const subjects = loaded.right;
  const touched = new Set<string>();
  for (const change of changes) {
    const updated = applyToSubject(subjects.get(change.key), change.event, change.recorded);
    if (updated === undefined) continue;
    subjects.set(change.key, updated);
    touched.add(change.key);
  }
  const headContext: JudgeContext = { asOf: Number.POSITIVE_INFINITY, deadlineClock: Number.NEGATIVE_INFINITY, rulesAt: settings.rulesAt };
  const writes: SubjectWrite[] = [...touched].map((key) => {
    const facts = subjects.get(key) as SubjectFacts;
    const settledMs = latestFactMs(facts);
    const items = kpisOfSubject(facts.kind).flatMap((kpi) => judgeSubject(headContext, kpi, facts).map((one) => itemRowOf(key, one, settledMs)));
    return { key, kind: facts.kind, facts, items };
  });
  const last = events.at(-1);
  const moved: BatchWrite['checkpoints'][number][] = [];
  if (last !== undefined && last.globalPosition > kpiAfter) {
    moved.push({ expected: checkpoints.get('kpi-facts')?.position, next: checkpointAt('kpi-facts', last, versions['kpi-facts']) });
  }
  if (last !== undefined && last.globalPosition > auditAfter) {
    moved.push({ expected: checkpoints.get('audit-trail')?.position, next: checkpointAt('audit-trail', last, versions['audit-trail']) });
  }
  return E.right({ checkpoints: moved, subjects: writes, undecodable, audit });
};
