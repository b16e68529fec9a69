/**
 * Cases brought in from spreadsheets and old extracts, at their real stage with their real dates.
 * An imported case is built by replaying, through the one transition table, the events its dates
 * imply (refused on the decision date, appeal lodged on its date…), so its clocks and windows are
 * exactly those a case taken through the tracker would have, back-dated. A row whose stage the
 * dates cannot reach is refused with the reason. Pure: the CSV edge hands in clean values.
 */
import { canonicalPnc } from './identifiers.js';
import { londonDate } from './days.js';
import { openCase, type CaseState, type Cohort, type Grant, type Person } from './case.js';
import { applyEvent, checkEvent, rejectionText, rolesFor, type CaseEvent, type FieldError } from './events.js';
import type { Policy } from './policy.js';
import { positionOf, type Position } from './stages.js';

/** One spreadsheet row, cleaned: dates are ISO calendar dates, flags booleans. */
export interface ImportRecord {
  homeOfficeRef: string;
  uan?: string;
  gwf?: string;
  hmctsRef?: string;
  person: Person;
  cohort: Cohort;
  assignee?: string;
  /** Where the case stands, `stage:status`. */
  position: Position;
  claimDate: string;
  decisionDate?: string;
  outOfCountry?: boolean;
  appealLodgedDate?: string;
  hearingDate?: string;
  determinedDate?: string;
  /** When it left the process (withdrawn, rights exhausted, removed, departed, leave granted). */
  exitDate?: string;
  /** Totals over the person's history with this reference (at least what the stage implies). */
  claims?: number;
  appeals?: number;
  /** The current or latest absconding period, and the total number of times. */
  abscondedFrom?: string;
  abscondedTo?: string;
  abscondings?: number;
  /** What a grant at decision gave (`exit:granted` only; absent from sheets without the column). */
  grant?: Grant;
  /** The day the refusal notice was sent: the appeal window runs from it. */
  sentOn?: string;
  /** Police National Computer id, prison (NOMS) number, the local authority's reference. */
  pnc?: string;
  prisonNumber?: string;
  localAuthorityRef?: string;
  /**
   * Dated cohort facts: the day the appellant entered supported accommodation, was detained, was
   * released. `cohort` says where things stand now; these say since when, so 24-week membership is
   * judged on the day the appeal started.
   */
  supportedAccommodationFrom?: string;
  detainedFrom?: string;
  releasedOn?: string;
}

/** Where an imported case came from: in its workflow input, so in its history for good. */
export interface ImportSource {
  importId: string;
  file: string;
  row: number;
  /** Who ran the import. */
  by: string;
  /** Whether this import opened the case or corrected one an earlier import opened. */
  kind: 'opened' | 'corrected';
}

/** The fields a record sets on a case, in the order a report names them. */
export const IMPORT_FIELDS = [
  'homeOfficeRef',
  'uan',
  'gwf',
  'hmctsRef',
  'pnc',
  'prisonNumber',
  'localAuthorityRef',
  'person',
  'cohort',
  'supportedAccommodationFrom',
  'detainedFrom',
  'releasedOn',
  'assignee',
  'position',
  'grant',
  'claimDate',
  'decisionDate',
  'sentOn',
  'outOfCountry',
  'appealLodgedDate',
  'hearingDate',
  'determinedDate',
  'exitDate',
  'claims',
  'appeals',
  'abscondedFrom',
  'abscondedTo',
  'abscondings',
] as const satisfies ReadonlyArray<keyof ImportRecord>;

type Step = { event: CaseEvent; on: string; field: keyof ImportRecord };

/** A grant's type comes from the record; sheets without the column keep the refugee default they always had. */
const DECISION_EXITS: Partial<Record<Position, CaseEvent>> = {
  'exit:granted': { type: 'decision.granted', grant: 'refugee' },
  'exit:certified': { type: 'decision.certified' },
  'exit:inadmissible': { type: 'decision.inadmissible' },
};
const ENDS_AT_EXIT_DATE: Partial<Record<Position, CaseEvent['type']>> = {
  'exit:withdrawn': 'claim.withdrawn',
  'exit:leave-granted': 'exit.leave-granted',
  'exit:removed': 'exit.removed',
  'exit:departed': 'exit.departed',
};

/** The events the record's dates imply, in order, each on its own date. */
function stepsOf(r: ImportRecord): Step[] {
  const steps: Step[] = [];
  const at = (event: CaseEvent, on: string | undefined, field: keyof ImportRecord) =>
    on && steps.push({ event, on, field });
  if (r.position === 'claim:screened' || r.position === 'claim:interviewed')
    at({ type: 'claim.screened' }, r.claimDate, 'claimDate');
  if (r.position === 'claim:interviewed') at({ type: 'claim.interviewed' }, r.claimDate, 'claimDate');
  const decisionExit = DECISION_EXITS[r.position];
  if (decisionExit)
    at(
      decisionExit.type === 'decision.granted' && r.grant ? { ...decisionExit, grant: r.grant } : decisionExit,
      r.decisionDate,
      'decisionDate',
    );
  // Recorded on the day the notice was sent, when the sheet says: the sending date cannot be after the change.
  else if (r.decisionDate)
    at(
      {
        type: 'decision.refused',
        decidedOn: r.decisionDate,
        outOfCountry: r.outOfCountry ?? false,
        ...(r.sentOn ? { sentOn: r.sentOn } : {}),
      },
      r.sentOn ?? r.decisionDate,
      'decisionDate',
    );
  at(
    { type: 'appeal.lodged', lodgedOn: r.appealLodgedDate!, ...(r.hmctsRef ? { hmctsRef: r.hmctsRef } : {}) },
    r.appealLodgedDate,
    'appealLodgedDate',
  );
  if (r.hearingDate)
    at({ type: 'tribunal.listed', hearingDate: r.hearingDate }, r.appealLodgedDate ?? r.hearingDate, 'hearingDate');
  const outcome = r.position === 'tribunal:allowed' || r.position === 'exit:leave-granted' ? 'allowed' : 'dismissed';
  at({ type: 'tribunal.determined', outcome, determinedOn: r.determinedDate! }, r.determinedDate, 'determinedDate');
  if (r.position === 'tribunal:onward-appeal-pending')
    at({ type: 'onward-appeal.lodged' }, r.determinedDate, 'determinedDate');
  // Rights exhausted by a window that closed; removal and departure follow from there.
  const exhausted =
    r.position === 'exit:appeal-rights-exhausted' ||
    ((r.position === 'exit:removed' || r.position === 'exit:departed') && !decisionExit);
  if (exhausted && r.position !== 'exit:departed')
    at({ type: r.determinedDate ? 'onward-appeal-window.expired' : 'appeal-window.expired' }, r.exitDate, 'exitDate');
  const last = ENDS_AT_EXIT_DATE[r.position];
  if (last) at({ type: last } as CaseEvent, r.exitDate, 'exitDate');
  return withCohortFacts(steps, r);
}

/** The record's dated cohort columns as `cohort.changed` events, each on its own date. */
function cohortStepsOf(r: ImportRecord): Step[] {
  const fact = (
    changes: { supportedAccommodation?: boolean; detained?: boolean },
    on: string | undefined,
    field: keyof ImportRecord,
    reason: string,
  ): Step[] => (on ? [{ event: { type: 'cohort.changed', ...changes, effectiveOn: on, reason }, on, field }] : []);
  return [
    ...fact(
      { supportedAccommodation: true },
      r.supportedAccommodationFrom,
      'supportedAccommodationFrom',
      'imported: entered supported accommodation',
    ),
    ...fact({ detained: true }, r.detainedFrom, 'detainedFrom', 'imported: detained'),
    ...fact({ detained: false }, r.releasedOn, 'releasedOn', 'imported: released from detention'),
  ];
}

/**
 * The lifecycle's steps with the cohort facts among them by date: a fact goes before the steps of
 * its own day, so an appeal lodged that day is judged with it. No dated columns: the steps as they were.
 */
function withCohortFacts(steps: Step[], r: ImportRecord): Step[] {
  const out = [...steps];
  for (const fact of cohortStepsOf(r).sort((a, b) => a.on.localeCompare(b.on))) {
    const i = out.findIndex((s) => s.event.type !== 'cohort.changed' && s.on >= fact.on);
    out.splice(i === -1 ? out.length : i, 0, fact);
  }
  return out;
}

/** The cohort before the dated facts: not yet in supported accommodation, not yet detained. */
const cohortBefore = (r: ImportRecord): Cohort => ({
  ...r.cohort,
  ...(r.supportedAccommodationFrom ? { supportedAccommodation: false } : {}),
  ...(r.detainedFrom ? { detained: false } : {}),
});

const noon = (date: string) => `${date}T12:00:00.000Z`;

/** Dates in the order the process makes them, each not before the one it follows. */
const DATE_ORDER: Array<keyof ImportRecord> = [
  'claimDate',
  'decisionDate',
  'sentOn',
  'appealLodgedDate',
  'determinedDate',
  'exitDate',
];

const COHORT_DATES = ['supportedAccommodationFrom', 'detainedFrom', 'releasedOn'] as const;

/**
 * The case a record describes, as of `today`, or why the record cannot stand: each error names
 * the field at fault.
 */
export function importedState(
  r: ImportRecord,
  caseId: string,
  openedAt: string,
  policy: Policy,
  /** False when replaying a case imported before deadline days (the workflow's patch). */
  tribunalRules = true,
): { ok: true; state: CaseState } | { ok: false; errors: FieldError[] } {
  const today = londonDate(openedAt);
  const errors: FieldError[] = [];
  for (const field of [...DATE_ORDER, 'abscondedFrom', 'abscondedTo', ...COHORT_DATES] as const) {
    const value = r[field] as string | undefined;
    if (value && value > today) errors.push({ field, message: `${value} is in the future` });
  }
  let previous: { field: string; value: string } | undefined;
  for (const field of DATE_ORDER) {
    const value = r[field] as string | undefined;
    if (!value) continue;
    if (previous && value < previous.value)
      errors.push({ field, message: `${value} is before ${previous.field} ${previous.value}` });
    previous = { field, value };
  }
  if (r.abscondedTo && !r.abscondedFrom) errors.push({ field: 'abscondedTo', message: 'needs abscondedFrom' });
  if (r.abscondedFrom && r.abscondedTo && r.abscondedTo < r.abscondedFrom)
    errors.push({ field: 'abscondedTo', message: 'is before abscondedFrom' });
  errors.push(...newColumnErrors(r));
  if (errors.length > 0) return { ok: false, errors };

  let state = openCase({
    caseId,
    homeOfficeRef: r.homeOfficeRef,
    ...(r.uan ? { uan: r.uan } : {}),
    ...(r.gwf ? { gwf: r.gwf } : {}),
    person: r.person,
    claimDate: r.claimDate,
    cohort: cohortBefore(r),
    ...(r.assignee ? { assignee: r.assignee } : {}),
    openedAt,
  });
  for (const step of stepsOf(r)) {
    const ctx = { at: noon(step.on), policy, tribunalRules };
    const rejection = checkEvent(state, step.event, rolesFor(step.event.type)[0]!, ctx);
    if (rejection) {
      return {
        ok: false,
        errors: [{ field: step.field, message: `cannot lead to ${r.position}: ${rejectionText(rejection)}` }],
      };
    }
    state = applyEvent(state, step.event, ctx);
  }
  if (positionOf(state) !== r.position) {
    const missing = missingDateFor(r);
    return {
      ok: false,
      errors: [
        {
          field: missing ?? 'status',
          message: `the dates lead to ${positionOf(state)}, not ${r.position}${missing ? `: ${missing} is needed` : ''}`,
        },
      ],
    };
  }
  const periods = abscondingOf(r);
  state = {
    ...state,
    identifiers: { ...state.identifiers, ...(r.hmctsRef ? { hmctsRef: r.hmctsRef } : {}), ...referencesOf(r) },
    counts: countsOf(state, r),
    flags: { absconded: periods.some((p) => !p.to) },
    abscondingPeriods: periods,
    // Where the case stands now is the opening state of its workflow: no change applied yet.
    version: 0,
  };
  return { ok: true, state };
}

/** The references a record adds to the case's identifiers, where it has them. */
const referencesOf = (r: ImportRecord) => ({
  ...(r.pnc ? { pnc: canonicalPnc(r.pnc) } : {}),
  ...(r.prisonNumber ? { prisonNumber: r.prisonNumber } : {}),
  ...(r.localAuthorityRef ? { localAuthorityRef: r.localAuthorityRef } : {}),
});

/**
 * What the later columns say that cannot stand with the rest of the record: a grant type or a
 * sending date where there was no grant or refusal, a release without a detention, and dated
 * cohort facts that contradict the cohort as it stands now.
 */
function newColumnErrors(r: ImportRecord): FieldError[] {
  const errors: FieldError[] = [];
  if (r.grant && r.position !== 'exit:granted')
    errors.push({
      field: 'grant',
      message: `is only for a case granted at decision (exit:granted), not ${r.position}`,
    });
  if (r.sentOn && !r.decisionDate) errors.push({ field: 'sentOn', message: 'needs decisionDate' });
  else if (r.sentOn && DECISION_EXITS[r.position])
    errors.push({ field: 'sentOn', message: `is the day a refusal was sent; ${r.position} is not a refusal` });
  if (r.supportedAccommodationFrom && !r.cohort.supportedAccommodation)
    errors.push({ field: 'supportedAccommodationFrom', message: 'is given, but supported accommodation says no' });
  if (r.releasedOn && !r.detainedFrom) errors.push({ field: 'releasedOn', message: 'needs detainedFrom' });
  else if (r.releasedOn && r.releasedOn < r.detainedFrom!)
    errors.push({ field: 'releasedOn', message: `is before detainedFrom ${r.detainedFrom}` });
  else if (r.releasedOn && r.cohort.detained)
    errors.push({ field: 'releasedOn', message: 'is given, but detained says yes' });
  else if (r.detainedFrom && !r.releasedOn && !r.cohort.detained)
    errors.push({ field: 'detainedFrom', message: 'is given without releasedOn, but detained says no' });
  return errors;
}

/** The record's absconding period, as the case keeps periods. */
const abscondingOf = (r: ImportRecord) =>
  r.abscondedFrom ? [{ from: r.abscondedFrom, ...(r.abscondedTo ? { to: r.abscondedTo } : {}) }] : [];

/** Totals: at least what the lifecycle implies, and what the record says if more. */
const countsOf = (s: CaseState, r: ImportRecord): CaseState['counts'] => ({
  claims: Math.max(s.counts.claims, r.claims ?? 0),
  appeals: Math.max(s.counts.appeals, r.appeals ?? 0),
  abscondings: Math.max(abscondingOf(r).length, r.abscondings ?? 0),
});

/** The date a position needs that the record lacks, if that is why it cannot be reached. */
function missingDateFor(r: ImportRecord): keyof ImportRecord | undefined {
  const [stage, status] = r.position.split(':');
  if (stage === 'claim') return undefined;
  if (!r.decisionDate) return 'decisionDate';
  if ((stage === 'appeal' || stage === 'tribunal') && !r.appealLodgedDate) return 'appealLodgedDate';
  if (stage === 'tribunal' && !r.hearingDate) return 'hearingDate';
  if (stage === 'tribunal' && status !== 'listed' && !r.determinedDate) return 'determinedDate';
  if (stage === 'exit' && !r.exitDate && !DECISION_EXITS[r.position]) return 'exitDate';
  return undefined;
}

/** The fields whose values differ between two imports of the same case (none: unchanged). */
export function changedFields(before: ImportRecord, after: ImportRecord): Array<(typeof IMPORT_FIELDS)[number]> {
  return IMPORT_FIELDS.filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null));
}

/** Same person under another reference? Name, date of birth and nationality, or a shared UAN/GWF. */
export function personKeys(r: ImportRecord): string[] {
  const name = r.person.name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return [
    `person:${name}|${r.person.dateOfBirth}|${r.person.nationality.toUpperCase()}`,
    ...(r.uan ? [`uan:${r.uan}`] : []),
    ...(r.gwf ? [`gwf:${r.gwf}`] : []),
  ];
}

/** What a case keeps of its import: the record as last imported, to tell a correction from a repeat. */
export interface ImportedFrom {
  record: ImportRecord;
  source: ImportSource;
}

/** Fields that decide where the case stands: changing them rebuilds the stage and clocks. */
export const STAGE_FIELDS: ReadonlyArray<(typeof IMPORT_FIELDS)[number]> = [
  'position',
  'claimDate',
  'decisionDate',
  'sentOn',
  'outOfCountry',
  'appealLodgedDate',
  'hearingDate',
  'determinedDate',
  'exitDate',
  // Dated cohort facts decide whether the appeal has its 24-week clock.
  'supportedAccommodationFrom',
  'detainedFrom',
  'releasedOn',
];

/**
 * Whether a corrected record may still move the case: only while it stands where its last import
 * put it. Once the tracker has moved it on (a caseworker, a system, a window closing), a
 * spreadsheet is no longer the authority on its stage.
 */
export function stageCorrectable(state: CaseState): boolean {
  return state.imported !== undefined && positionOf(state) === state.imported.record.position;
}

/**
 * A re-import that differs from the last: the changed fields, applied. Stage and dates rebuild the
 * case from the new record (clocks keep the escalations already raised); other fields are patched.
 */
export function correctImport(s: CaseState, from: ImportedFrom, at: string, policy: Policy): CaseState {
  const fields = s.imported ? changedFields(s.imported.record, from.record) : [...IMPORT_FIELDS];
  const r = from.record;
  let next: CaseState = s;
  if (fields.some((f) => STAGE_FIELDS.includes(f)) && stageCorrectable(s)) {
    const rebuilt = importedState(r, s.caseId, at, policy);
    if (rebuilt.ok) {
      const raised = new Map(s.clocks.map((c) => [`${c.name}|${c.startedOn}`, c]));
      const clocks = rebuilt.state.clocks.map((c) => {
        const earlier = raised.get(`${c.name}|${c.startedOn}`);
        return earlier
          ? {
              ...c,
              level: earlier.level,
              state: earlier.state === 'breached' && c.state === 'running' ? earlier.state : c.state,
              ...(earlier.breachedAt ? { breachedAt: earlier.breachedAt } : {}),
            }
          : c;
      });
      next = {
        ...rebuilt.state,
        version: s.version,
        openedAt: s.openedAt,
        sync: s.sync,
        inbound: s.inbound,
        held: s.held,
        clocks,
        ...(s.reconciliation ? { reconciliation: s.reconciliation } : {}),
      };
    }
  }
  const periods = abscondingOf(r);
  next = {
    ...next,
    person: r.person,
    cohort: r.cohort,
    assignee: r.assignee ?? next.assignee,
    identifiers: {
      ...next.identifiers,
      ...(r.uan ? { uan: r.uan } : {}),
      ...(r.gwf ? { gwf: r.gwf } : {}),
      ...(r.hmctsRef ? { hmctsRef: r.hmctsRef } : {}),
      ...referencesOf(r),
    },
    counts: countsOf(next, r),
    ...(fields.includes('abscondedFrom') || fields.includes('abscondedTo')
      ? { abscondingPeriods: periods, flags: { ...next.flags, absconded: periods.some((p) => !p.to) } }
      : {}),
  };
  return { ...next, imported: from };
}
