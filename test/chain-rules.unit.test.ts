/**
 * The second part of the tribunal's process as the table models it, pure: 24-week membership read
 * from dated facts and overridden by the tribunal's flag; the onward chain (permission from the
 * First-tier, renewal to the Upper Tribunal within its window, the Upper Tribunal's decision, the
 * Court of Appeal, remittal); further submissions awaiting consideration; judicial review barring
 * removal. Dates are in 2027, their weekdays and bank holidays worked out by hand: Monday 1 March,
 * Friday 12 March, Good Friday 26 March and Easter Monday 29 March, the May bank holiday Monday 3 May.
 */
import { describe, expect, it } from 'vitest';
import { appealPending, caseView, checkEvent, removalBar, type CaseEvent, type CaseMachine } from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';
import { plusDays } from './dates.js';
import {
  caseworker,
  clock,
  freshCase,
  on,
  position,
  noon,
  run,
  timerAt,
  tribunal,
  type Actor,
  type Step,
} from './domain-steps.js';

/** Why the table refuses an event on a day (its message), or null. */
const refusal = (m: CaseMachine, date: string, actor: Actor, event: CaseEvent) => {
  const r = checkEvent(m.state, event, actor.role, on(date));
  return r && (r.kind === 'invalid' ? r.errors.map((e) => `${e.field} ${e.message}`).join('; ') : r.message);
};

const SUPPORTED = { supportedAccommodation: true, foreignNationalOffender: false, detained: false };
const NEITHER = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };
const fresh = (cohort = SUPPORTED): CaseMachine => freshCase({ ...newCaseState(), cohort });
const limit = clock;

/** Refused Monday 1 February, appealed Wednesday 3 February: the 24 weeks run from the 4th. */
const LODGED = '2027-02-03';
const appealed = (cohort = SUPPORTED) =>
  run(
    [
      ['2027-02-01', caseworker, { type: 'decision.refused', decidedOn: '2027-02-01' }],
      ['2027-02-03', tribunal, { type: 'appeal.lodged', lodgedOn: LODGED }],
    ],
    fresh(cohort),
  );
/** Heard and determined Monday 1 March, promulgated that day: permission may be sought to Monday 15 March. */
const determined = (outcome: 'allowed' | 'dismissed') =>
  run(
    [
      ['2027-02-10', tribunal, { type: 'tribunal.listed', hearingDate: '2027-03-01' }],
      ['2027-03-01', tribunal, { type: 'tribunal.determined', outcome, promulgatedOn: '2027-03-01' }],
    ],
    appealed(),
  );
/** The First-tier refused the appellant permission on Friday 12 March (sought on the 3rd). */
const permissionRefused = () =>
  run(
    [
      ['2027-03-03', tribunal, { type: 'onward-appeal.lodged' }],
      ['2027-03-12', tribunal, { type: 'onward-appeal.decided', outcome: 'refused', by: 'first-tier' }],
    ],
    determined('dismissed'),
  );

describe('24-week membership from dated facts', () => {
  it('a fact effective before the lodging, recorded after it, starts the clock back-dated to the lodging', () => {
    const m = appealed(NEITHER);
    expect(limit(m.state)).toBeUndefined();
    const moved = run(
      [
        [
          '2027-02-15',
          caseworker,
          { type: 'cohort.changed', supportedAccommodation: true, effectiveOn: '2027-01-20', reason: ' s.95 housing ' },
        ],
      ],
      m,
    );
    expect(limit(moved.state)).toMatchObject({
      state: 'running',
      startedAt: '2027-02-04',
      lastDay: plusDays(LODGED, 168),
    });
    const view = caseView(moved.state);
    expect(view.cohort.supportedAccommodation).toBe(true);
    expect(view.cohortAtAppeal?.supportedAccommodation).toBe(true);
    expect(view.cohortFacts).toEqual([
      {
        effectiveOn: '2027-01-20',
        changes: { supportedAccommodation: true },
        reason: 's.95 housing',
        recordedAt: noon('2027-02-15'),
      },
    ]);
  });

  it('a fact effective after the lodging changes the cohort now, not the appeal: no clock', () => {
    const m = run(
      [
        [
          '2027-02-15',
          caseworker,
          { type: 'cohort.changed', supportedAccommodation: true, effectiveOn: '2027-02-10', reason: 'housed' },
        ],
      ],
      appealed(NEITHER),
    );
    expect(limit(m.state)).toBeUndefined();
    const view = caseView(m.state);
    expect(view.cohort.supportedAccommodation).toBe(true);
    expect(view.cohortAtAppeal?.supportedAccommodation).toBe(false);
  });

  it('a fact recorded late that puts the appellant outside the duty on the lodging day removes the running clock', () => {
    expect(limit(appealed().state)?.state).toBe('running');
    const detained = run(
      [
        [
          '2027-02-20',
          caseworker,
          { type: 'cohort.changed', detained: true, effectiveOn: '2027-01-25', reason: 'IRC' },
        ],
      ],
      appealed(),
    );
    expect(limit(detained.state)).toBeUndefined();
    const abroad = run(
      [
        [
          '2027-02-20',
          caseworker,
          { type: 'cohort.changed', outOfCountry: true, effectiveOn: '2027-02-02', reason: 'certified s.94B' },
        ],
      ],
      appealed(),
    );
    expect(limit(abroad.state)).toBeUndefined();
  });

  it('needs at least one circumstance', () => {
    expect(
      refusal(appealed(), '2027-02-15', caseworker, {
        type: 'cohort.changed',
        effectiveOn: '2027-02-01',
        reason: 'nothing',
      }),
    ).toMatch(/at least one of/);
  });
});

describe("the tribunal's 24-week flag", () => {
  it('overrides the facts: adds the clock from the lodging, removes it, and a later fact does not bring it back', () => {
    const flagged = run(
      [['2027-02-20', tribunal, { type: 'tribunal.24-week-flag-set', inCohort: true, reason: ' FNO, not detained ' }]],
      appealed(NEITHER),
    );
    expect(flagged.state.tribunalFlag).toEqual({ inCohort: true, reason: 'FNO, not detained', on: '2027-02-20' });
    expect(limit(flagged.state)).toMatchObject({ state: 'running', startedAt: '2027-02-04' });

    const unflagged = run(
      [
        ['2027-02-25', tribunal, { type: 'tribunal.24-week-flag-set', inCohort: false, reason: 'detained after all' }],
        [
          '2027-02-26',
          caseworker,
          { type: 'cohort.changed', supportedAccommodation: true, effectiveOn: '2027-01-01', reason: 'housed' },
        ],
      ],
      flagged,
    );
    expect(limit(unflagged.state)).toBeUndefined();
    expect(unflagged.state.tribunalFlag).toMatchObject({ inCohort: false, reason: 'detained after all' });
  });

  it('is for an appeal awaiting its First-tier determination only', () => {
    expect(
      refusal(determined('dismissed'), '2027-03-02', tribunal, {
        type: 'tribunal.24-week-flag-set',
        inCohort: true,
        reason: 'late',
      }),
    ).toMatch(/not allowed at tribunal:dismissed/);
  });
});

describe('permission to appeal refused by the First-tier', () => {
  it('may be renewed to the Upper Tribunal within 14 days of the refusal, to a working day; the appeal stays pending', () => {
    const m = permissionRefused();
    expect(position(m.state)).toBe('tribunal:permission-refused');
    expect(appealPending(m.state)).toBe(true);
    expect(removalBar(m.state)).toMatch(/renewed to the Upper Tribunal/);
    // Friday 12 March + 14 = Good Friday 26 March; then Easter Monday: Tuesday 30 March.
    expect(limit(m.state, 'permission-renewal-window')).toMatchObject({
      state: 'running',
      startedAt: '2027-03-12',
      lastDay: '2027-03-30',
    });
    expect(m.state.dates.renewalWindowLastDay).toBe('2027-03-30');
    // Renewed only to the Upper Tribunal.
    expect(refusal(m, '2027-03-15', tribunal, { type: 'onward-appeal.lodged', to: 'first-tier' })).toMatch(
      /goes to the upper-tribunal, not the first-tier/,
    );
    // Nothing is due on its last day.
    expect(position(timerAt(m, '2027-03-30').state)).toBe('tribunal:permission-refused');
  });

  it('not renewed in time: appeal rights are exhausted once the window closes, and removal is open', () => {
    const m = timerAt(permissionRefused(), '2027-03-31');
    expect(position(m.state)).toBe('exit:appeal-rights-exhausted');
    expect(m.state.dates.exitedOn).toBe('2027-03-31');
    expect(appealPending(m.state)).toBe(false);
    expect(m.state.determination).toBe('dismissed');
    expect(limit(m.state, 'permission-renewal-window')).toBeUndefined();
    expect(refusal(m, '2027-04-01', tribunal, { type: 'onward-appeal.lodged', to: 'upper-tribunal' })).toMatch(
      /not allowed/,
    );
    expect(refusal(m, '2027-04-01', caseworker, { type: 'exit.removed' })).toBeNull();
  });

  it("after an allowed appeal (the Home Office's application): not renewed, the determination is final", () => {
    const refused = run(
      [
        ['2027-03-03', tribunal, { type: 'onward-appeal.lodged', party: 'respondent' }],
        ['2027-03-12', tribunal, { type: 'onward-appeal.decided', outcome: 'refused', by: 'first-tier' }],
      ],
      determined('allowed'),
    );
    expect(refused.state.onward).toMatchObject({ party: 'respondent', court: 'first-tier' });
    expect(appealPending(refused.state)).toBe(true);
    const m = timerAt(refused, '2027-03-31');
    expect(position(m.state)).toBe('tribunal:allowed');
    expect(m.state.dates.onwardWindowClosedOn).toBe('2027-03-31');
    expect(appealPending(m.state)).toBe(false);
    expect(refusal(m, '2027-04-01', tribunal, { type: 'onward-appeal.lodged' })).toMatch(/determination is final/);
  });

  it('renewed in time: pending at the Upper Tribunal, which grants and dismisses; then the Court of Appeal decides finally', () => {
    const renewed = run(
      [['2027-03-29', tribunal, { type: 'onward-appeal.lodged', to: 'upper-tribunal' }]],
      permissionRefused(),
    );
    expect(position(renewed.state)).toBe('tribunal:onward-appeal-pending');
    expect(renewed.state.onward).toEqual({
      party: 'appellant',
      court: 'upper-tribunal',
      kind: 'permission',
      lodgedOn: '2027-03-29',
    });
    // No window runs while the Upper Tribunal considers it: nothing expires.
    expect(position(timerAt(renewed, '2027-04-05').state)).toBe('tribunal:onward-appeal-pending');
    expect(appealPending(renewed.state)).toBe(true);

    const granted = run(
      [['2027-04-20', tribunal, { type: 'onward-appeal.decided', outcome: 'granted', by: 'upper-tribunal' }]],
      renewed,
    );
    expect(granted.state.onward).toMatchObject({ court: 'upper-tribunal', kind: 'appeal' });
    expect(
      refusal(granted, '2027-04-21', tribunal, { type: 'onward-appeal.decided', outcome: 'refused', by: 'first-tier' }),
    ).toMatch(/before the upper-tribunal, not the first-tier/);

    // Dismissed Monday 10 May: permission to the Court of Appeal may be sought to Monday 24 May.
    const dismissed = run(
      [['2027-05-10', tribunal, { type: 'onward-appeal.decided', outcome: 'dismissed', by: 'upper-tribunal' }]],
      granted,
    );
    expect(position(dismissed.state)).toBe('tribunal:dismissed');
    expect(appealPending(dismissed.state)).toBe(true);
    expect(limit(dismissed.state, 'onward-appeal-window')).toMatchObject({
      state: 'running',
      startedAt: '2027-05-10',
      lastDay: '2027-05-24',
    });
    expect(refusal(dismissed, '2027-05-11', tribunal, { type: 'onward-appeal.lodged', to: 'first-tier' })).toMatch(
      /goes to the court-of-appeal/,
    );
    // Not sought in time: rights exhausted.
    expect(position(timerAt(dismissed, '2027-05-25').state)).toBe('exit:appeal-rights-exhausted');

    const final = run(
      [
        ['2027-05-12', tribunal, { type: 'onward-appeal.lodged' }],
        ['2027-06-01', tribunal, { type: 'onward-appeal.decided', outcome: 'refused', by: 'court-of-appeal' }],
      ],
      dismissed,
    );
    expect(position(final.state)).toBe('exit:appeal-rights-exhausted');
    expect(final.state).toMatchObject({ determination: 'dismissed', onwardDecidedBy: 'court-of-appeal' });
    expect(appealPending(final.state)).toBe(false);
  });
});

describe('remittal', () => {
  /** Permission granted by the First-tier; the Upper Tribunal remits on Thursday 1 April. */
  const remitted = () =>
    run(
      [
        ['2027-03-03', tribunal, { type: 'onward-appeal.lodged' }],
        ['2027-03-10', tribunal, { type: 'onward-appeal.decided', outcome: 'granted', by: 'first-tier' }],
        ['2027-04-01', tribunal, { type: 'onward-appeal.decided', outcome: 'remitted', by: 'upper-tribunal' }],
      ],
      determined('dismissed'),
    );
  const original = { startedAt: '2027-02-04', state: 'met', stoppedOn: '2027-03-01' };

  it('reopens the First-tier hearing with no new 24 weeks, even when a fact is recorded meanwhile', () => {
    const m = remitted();
    expect(position(m.state)).toBe('tribunal:remitted');
    expect(appealPending(m.state)).toBe(true);
    expect(m.state.dates.remittedOn).toBe('2027-04-01');
    expect(limit(m.state)).toMatchObject(original);
    const meanwhile = run(
      [
        [
          '2027-04-02',
          caseworker,
          { type: 'cohort.changed', foreignNationalOffender: true, effectiveOn: '2027-03-15', reason: 'convicted' },
        ],
        ['2027-04-05', tribunal, { type: 'tribunal.listed', hearingDate: '2027-05-20' }],
        ['2027-05-20', tribunal, { type: 'tribunal.determined', outcome: 'allowed' }],
      ],
      m,
    );
    expect(position(meanwhile.state)).toBe('tribunal:allowed');
    expect(meanwhile.state.clocks).toHaveLength(1);
    expect(limit(meanwhile.state)).toMatchObject(original);
  });

  it("the tribunal's flag starts 24 weeks from the remittal day, whether set before or after it is listed again", () => {
    for (const steps of [
      [
        ['2027-04-02', tribunal, { type: 'tribunal.24-week-flag-set', inCohort: true, reason: 'remitted' }],
        ['2027-04-05', tribunal, { type: 'tribunal.listed', hearingDate: '2027-05-20' }],
      ],
      [
        ['2027-04-05', tribunal, { type: 'tribunal.listed', hearingDate: '2027-05-20' }],
        ['2027-04-06', tribunal, { type: 'tribunal.24-week-flag-set', inCohort: true, reason: 'remitted' }],
      ],
    ] as Step[][]) {
      const m = run(steps, remitted());
      expect(position(m.state)).toBe('tribunal:listed');
      expect(limit(m.state)).toMatchObject({
        state: 'running',
        startedAt: '2027-04-02',
        lastDay: plusDays('2027-04-01', 168),
      });
      const decided = run([['2027-05-20', tribunal, { type: 'tribunal.determined', outcome: 'allowed' }]], m);
      expect(limit(decided.state)).toMatchObject({ state: 'met', stoppedOn: '2027-05-20', startedAt: '2027-04-02' });
    }
  });
});

describe('further submissions', () => {
  /** Refused Monday 1 February and not appealed: rights exhausted when the window closed on the 15th. */
  const exhausted = () =>
    timerAt(run([['2027-02-01', caseworker, { type: 'decision.refused', decidedOn: '2027-02-01' }]]), '2027-02-16');
  const lodged = () => run([['2027-03-01', caseworker, { type: 'further-submissions.lodged' }]], exhausted());

  it('await consideration without a decision whether they are a fresh claim: removal barred, no appeal pending', () => {
    const m = lodged();
    expect(position(m.state)).toBe('exit:further-submissions-pending');
    expect(m.state.furtherSubmissions).toEqual({ lodgedOn: '2027-03-01', from: 'exit:appeal-rights-exhausted' });
    expect(appealPending(m.state)).toBe(false);
    expect(removalBar(m.state)).toBe('further submissions await consideration');
    expect(refusal(m, '2027-03-02', caseworker, { type: 'exit.removed' })).toMatch(/not allowed/);
  });

  it('a fresh claim refused carries a new right of appeal: its window opens that day', () => {
    const m = run(
      [['2027-03-10', caseworker, { type: 'further-submissions.decided', outcome: 'fresh-claim-refused' }]],
      lodged(),
    );
    expect(position(m.state)).toBe('decision:refused');
    expect(m.state.counts.claims).toBe(2);
    expect(m.state.dates).toMatchObject({ claimDate: '2027-03-01', refusedOn: '2027-03-10' });
    expect(limit(m.state, 'appeal-window')).toMatchObject({ startedAt: '2027-03-10', lastDay: '2027-03-24' });
    expect(appealPending(m.state)).toBe(true);
    expect(m.state.furtherSubmissions).toBeUndefined();
  });

  it('rejected: back where it stood, and judicial review of the rejection bars removal until decided', () => {
    const rejected = run(
      [['2027-03-10', caseworker, { type: 'further-submissions.decided', outcome: 'rejected' }]],
      lodged(),
    );
    expect(position(rejected.state)).toBe('exit:appeal-rights-exhausted');
    expect(rejected.state.dates.furtherSubmissionsRejectedOn).toBe('2027-03-10');
    expect(removalBar(rejected.state)).toBeNull();
    expect(
      refusal(rejected, '2027-03-11', caseworker, { type: 'judicial-review.lodged', against: 'certification' }),
    ).toMatch(/no decision here that only judicial review can challenge/);

    const jr = run(
      [['2027-03-12', caseworker, { type: 'judicial-review.lodged', against: 'further-submissions' }]],
      rejected,
    );
    expect(jr.state.judicialReview).toEqual({ lodgedOn: '2027-03-12', against: 'further-submissions' });
    expect(refusal(jr, '2027-03-13', caseworker, { type: 'exit.removed' })).toMatch(
      /judicial review of the further-submissions decision is pending/,
    );
    // Allowed: the submissions are considered again.
    const again = run([['2027-04-01', tribunal, { type: 'judicial-review.decided', outcome: 'allowed' }]], jr);
    expect(position(again.state)).toBe('exit:further-submissions-pending');
    expect(again.state.judicialReview).toBeUndefined();
  });
});

describe('judicial review of a certification', () => {
  const certified = () => run([['2027-02-01', caseworker, { type: 'decision.certified' }]]);

  it('bars removal while pending; dismissed, removal is open; allowed, the claim is decided again', () => {
    const jr = run(
      [
        [
          '2027-02-05',
          caseworker,
          { type: 'judicial-review.lodged', against: 'certification', lodgedOn: '2027-02-04' },
        ],
      ],
      certified(),
    );
    expect(position(jr.state)).toBe('exit:certified');
    expect(caseView(jr.state).removalBarred).toBe('a judicial review of the certification decision is pending');
    expect(refusal(jr, '2027-02-06', caseworker, { type: 'exit.removed' })).toMatch(/judicial review/);
    expect(refusal(jr, '2027-02-06', caseworker, { type: 'judicial-review.lodged', against: 'certification' })).toMatch(
      /already pending/,
    );

    const dismissed = run([['2027-03-01', tribunal, { type: 'judicial-review.decided', outcome: 'dismissed' }]], jr);
    expect(dismissed.state.judicialReview).toBeUndefined();
    expect(refusal(dismissed, '2027-03-02', caseworker, { type: 'exit.removed' })).toBeNull();

    const allowed = run([['2027-03-01', tribunal, { type: 'judicial-review.decided', outcome: 'allowed' }]], jr);
    expect(position(allowed.state)).toBe('claim:reconsidering');
  });
});
