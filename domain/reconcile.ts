/**
 * Reconciliation: what a system should hold of a case (every change it acknowledged to us) against
 * what it says it holds. Pure; the reconciliation activity gathers both sides and the case
 * workflow re-sends what is missing.
 */
import type { OutboundMessage } from './outbound.js';
import { RECONCILED_SYSTEMS, type ReconciledSystem } from './systems.js';

export const DRIFT_KINDS = ['unknown-case', 'missing', 'stage', 'unexpected'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface Drift {
  system: ReconciledSystem;
  /**
   * unknown-case: the system has no record of a case it acknowledged changes for;
   * missing: one acknowledged change is not there; stage: its stage differs from the one we sent
   * last; unexpected: it holds a change of ours we have no acknowledgement of.
   */
  kind: DriftKind;
  detail: string;
  seq?: number;
}

/** What a system says it holds of one case; null when it has no record of the case at all. */
export interface SystemView {
  stage: string;
  status: string;
  keys: string[];
}

export interface Findings {
  drift: Drift[];
  /** Acknowledged changes the system no longer holds, oldest first: to be delivered again. */
  resend: OutboundMessage[];
}

/**
 * Compares one system's view with the changes it acknowledged (oldest first). Only changes
 * acknowledged before the view was read may be passed in, or a delivery racing the read would
 * look missing.
 */
export function compareWithSystem(
  system: ReconciledSystem,
  acknowledged: readonly OutboundMessage[],
  view: SystemView | null,
): Findings {
  const sent = [...new Map(acknowledged.map((m) => [m.key, m])).values()].sort((a, b) => a.seq - b.seq);
  if (sent.length === 0) return { drift: [], resend: [] };
  if (view === null) {
    return {
      drift: [
        {
          system,
          kind: 'unknown-case',
          detail: `${system} has no record of the case; ${sent.length} change(s) to send again`,
        },
      ],
      resend: sent,
    };
  }
  const held = new Set(view.keys);
  const missing = sent.filter((m) => !held.has(m.key));
  const ours = new Set(sent.map((m) => m.key));
  const drift: Drift[] = missing.map((m) => ({
    system,
    kind: 'missing',
    seq: m.seq,
    detail: `change ${m.seq} (${m.type}) is not held by ${system}`,
  }));
  for (const key of view.keys.filter((k) => !ours.has(k)))
    drift.push({ system, kind: 'unexpected', detail: `${system} holds ${key}, which it never acknowledged to us` });
  const last = sent.at(-1)!;
  const expected = `${last.after.stage}:${last.after.status}`;
  const seen = `${view.stage}:${view.status}`;
  if (seen !== expected)
    drift.push({
      system,
      kind: 'stage',
      seq: last.seq,
      detail: `${system} shows ${seen}; the case was ${expected} when it last heard`,
    });
  return { drift, resend: missing };
}

/** What one reconciliation run found, summed over the cases it checked. */
export interface ReconciliationReport {
  startedAt: string;
  finishedAt?: string;
  cases: number;
  casesWithDrift: number;
  drift: Record<DriftKind, number>;
  /** Changes handed back to the case to deliver again. */
  resent: number;
  /** Cases a system could not be asked about (down or erroring): checked again next run. */
  unreachable: Record<ReconciledSystem, number>;
  /** The first cases found with drift, for a supervisor to open. */
  examples: Array<Drift & { caseId: string }>;
  /** The reporting read model against visibility (runs since it was added). */
  reportingModel?: ReportingModelReconciliation;
}

export const EXAMPLES_KEPT = 100;

export const emptyReport = (startedAt: string): ReconciliationReport => ({
  startedAt,
  cases: 0,
  casesWithDrift: 0,
  drift: { 'unknown-case': 0, missing: 0, stage: 0, unexpected: 0 },
  resent: 0,
  unreachable: Object.fromEntries(RECONCILED_SYSTEMS.map((s) => [s, 0])) as Record<ReconciledSystem, number>,
  examples: [],
});

export interface CaseReconciliation {
  caseId: string;
  drift: Drift[];
  resent: number;
  unreachable: ReconciledSystem[];
}

export function addToReport(report: ReconciliationReport, result: CaseReconciliation): ReconciliationReport {
  const drift = { ...report.drift };
  for (const d of result.drift) drift[d.kind] += 1;
  const unreachable = { ...report.unreachable };
  for (const s of result.unreachable) unreachable[s] += 1;
  const room = EXAMPLES_KEPT - report.examples.length;
  return {
    ...report,
    cases: report.cases + 1,
    casesWithDrift: report.casesWithDrift + (result.drift.length > 0 ? 1 : 0),
    drift,
    resent: report.resent + result.resent,
    unreachable,
    examples:
      room > 0
        ? [...report.examples, ...result.drift.slice(0, room).map((d) => ({ ...d, caseId: result.caseId }))]
        : report.examples,
  };
}

/** A count the reporting read model and visibility disagree on (#20): by stage, by status, or of sync failures. */
export interface ModelCountDrift {
  key: string;
  model: number;
  visibility: number;
}

/** The reporting read model checked against visibility, and repaired, in the same run (#20). */
export interface ReportingModelReconciliation {
  /** Cases visibility lists for this deployment. */
  cases: number;
  /** Counts that differed before the repair. */
  drift: ModelDrift;
  /** Cases whose stored stage, status or sync-failure flag differed from visibility's (or one side lacked), remade from their histories. */
  repaired: number;
  /** The first of them, for a supervisor to open. */
  examples: string[];
  /** Counts still differing after the repair: a change landing meanwhile, checked again next run. */
  after: ModelDrift;
  /** Rows of the per-day stay counts (flow, ageing) that differed from a recount of the stays, and were corrected. */
  dayCountsCorrected: number;
}

/**
 * Where a case stands, as one side sees it: its stage, its status and its sync-failure flag (both
 * null: the model lacks its figures).
 */
export interface Standing {
  stage: string;
  status: string | null;
  syncFailed: boolean | null;
}

/** What each drift list counts the cases by (null: not counted); sync failures under one key, `failed`. */
const COUNTED_BY = {
  stages: (s: Standing) => s.stage,
  statuses: (s: Standing) => s.status,
  syncFailures: (s: Standing) => (s.syncFailed ? 'failed' : null),
} satisfies Record<string, (s: Standing) => string | null>;

export type ModelDrift = Record<keyof typeof COUNTED_BY, ModelCountDrift[]>;

const tally = (standings: Iterable<Standing>, keyOf: (s: Standing) => string | null) => {
  const counts = new Map<string, number>();
  for (const s of standings) {
    const key = keyOf(s);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

/** Counts by stage, by status and of sync failures that differ between the model and visibility, in key order. */
export function countDrift(
  model: ReadonlyMap<string, Standing>,
  visibility: ReadonlyMap<string, Standing>,
): ModelDrift {
  const differing = (keyOf: (s: Standing) => string | null) => {
    const m = tally(model.values(), keyOf);
    const v = tally(visibility.values(), keyOf);
    return [...new Set([...m.keys(), ...v.keys()])]
      .sort()
      .map((key) => ({ key, model: m.get(key) ?? 0, visibility: v.get(key) ?? 0 }))
      .filter((d) => d.model !== d.visibility);
  };
  return {
    stages: differing(COUNTED_BY.stages),
    statuses: differing(COUNTED_BY.statuses),
    syncFailures: differing(COUNTED_BY.syncFailures),
  };
}

/** Cases whose standing differs between the two sides, or that one side lacks: each is remade from its history. */
export function modelCandidates(
  model: ReadonlyMap<string, Standing>,
  visibility: ReadonlyMap<string, Standing>,
): string[] {
  const ids = new Set([...model.keys(), ...visibility.keys()]);
  return [...ids]
    .filter((id) => {
      const m = model.get(id);
      const v = visibility.get(id);
      return !m || !v || m.stage !== v.stage || m.status !== v.status || m.syncFailed !== v.syncFailed;
    })
    .sort();
}
