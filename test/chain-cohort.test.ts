/**
 * The second part of the tribunal's process, end to end over HTTP on the real server: 24-week
 * membership judged on the dated facts of the day the appeal started, and the tribunal's own flag
 * over them; an appeal from outside the UK; the onward chain (permission refused by the First-tier,
 * renewed to the Upper Tribunal, granted there by HMCTS webhook, dismissed, then the Court of
 * Appeal); remittal for a fresh hearing; judicial review barring removal; further submissions
 * awaiting consideration, refused as a fresh claim or rejected. Every date is back-dated, never
 * waited for; a window that closes only in the future (the renewal window runs from today, the
 * day permission is refused in workflow time) is closed at the domain level instead:
 * test/chain-rules.unit.test.ts. Expected last days are worked out here, with a weekday check and
 * the England-and-Wales bank holidays written out below.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.js';
import { caseApi, positionOf, clockOf, clockNames, steps, workingDayFrom } from './case-api.js';
import { daysAgo, londonToday, plusDays, ukEndOfDay } from './dates.js';

const stack = useStack();

const today = () => londonToday();
const daysAhead = (n: number) => daysAgo(-n);
const { send, read, apply, refused, webhook, until, timeline, searchFinds, searchMisses, record } = caseApi(
  stack,
  'chain',
);

const SUPPORTED = { supportedAccommodation: true, foreignNationalOffender: false, detained: false };
const NEITHER = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };
const hmctsWebhook = (body: Record<string, unknown>) => webhook('hmcts', body);

/** Refused (the window from that day) and appealed on `lodgedOn`: the case at appeal:lodged. */
async function appealLodged(lodgedOn: string, cohort = SUPPORTED, caseId?: string) {
  const id = caseId ?? (await stack.openCase({ cohort }));
  await apply(id, 'caseworker', { type: 'decision.refused', decidedOn: lodgedOn, sentOn: lodgedOn });
  const lodged = await apply(id, 'tribunal', { type: 'appeal.lodged', lodgedOn });
  expect(positionOf(lodged)).toBe('appeal:lodged');
  return id;
}

/** Appealed 60 days ago, heard 6 days ago, dismissed and promulgated 5 days ago: the onward window open. */
async function dismissed(caseId?: string) {
  const id = await appealLodged(daysAgo(60), SUPPORTED, caseId);
  await apply(id, 'tribunal', { type: 'tribunal.listed', hearingDate: daysAgo(6) });
  const c = await apply(id, 'tribunal', {
    type: 'tribunal.determined',
    outcome: 'dismissed',
    promulgatedOn: daysAgo(5),
  });
  expect(positionOf(c)).toBe('tribunal:dismissed');
  expect(clockOf(c, 'tribunal-24-weeks')).toMatchObject({ state: 'met', stoppedOn: daysAgo(5) });
  expect(clockOf(c, 'onward-appeal-window').lastDay >= today()).toBe(true);
  return id;
}

/** Refused 31 days ago, no appeal: the window expires by timer. */
async function rightsExhausted() {
  const caseId = await stack.openCase();
  await apply(caseId, 'caseworker', { type: 'decision.refused', decidedOn: daysAgo(31), sentOn: daysAgo(30) });
  const exhausted = await until(caseId, 'exit:appeal-rights-exhausted');
  expect(exhausted.appealPending).toBe(false);
  return caseId;
}

describe('24-week membership judged on the facts of the day the appeal started', () => {
  it('supported accommodation from before the lodging, recorded after it, starts the clock back-dated to the lodging; from after the lodging, no clock', async () => {
    // Housed 30 days ago, appealed 20 days ago, the fact recorded today.
    const before = await appealLodged(daysAgo(20), NEITHER);
    expect((await read(before)).clocks).toEqual([]);
    const housed = await apply(before, 'caseworker', {
      type: 'cohort.changed',
      supportedAccommodation: true,
      effectiveOn: daysAgo(30),
      reason: ' moved into asylum support accommodation ',
    });
    expect(positionOf(housed)).toBe('appeal:lodged');
    expect(clockNames(housed)).toEqual(['tribunal-24-weeks']);
    expect(clockOf(housed, 'tribunal-24-weeks')).toMatchObject({
      state: 'running',
      startedAt: daysAgo(19),
      lastDay: daysAgo(20 - 168),
      deadline: ukEndOfDay(daysAgo(20 - 168)),
    });
    expect(housed.cohort).toMatchObject({ supportedAccommodation: true });
    expect(housed.cohortAtAppeal).toMatchObject({ supportedAccommodation: true });
    expect(housed.cohortFacts).toEqual([
      {
        effectiveOn: daysAgo(30),
        changes: { supportedAccommodation: true },
        reason: 'moved into asylum support accommodation',
        recordedAt: expect.any(String),
      },
    ]);
    expect(await searchFinds(before, 'cohort=24-week&clock=running')).toMatchObject({
      cohort: expect.arrayContaining(['supported-accommodation', '24-week']),
      lastDay: daysAgo(20 - 168),
    });

    // Housed 10 days ago, after the appeal was lodged 20 days ago: the cohort now, not the appeal's.
    const after = await appealLodged(daysAgo(20), NEITHER);
    const later = await apply(after, 'caseworker', {
      type: 'cohort.changed',
      supportedAccommodation: true,
      effectiveOn: daysAgo(10),
      reason: 'moved into asylum support accommodation',
    });
    expect(later.clocks).toEqual([]);
    expect(later.cohort).toMatchObject({ supportedAccommodation: true });
    expect(later.cohortAtAppeal).toMatchObject({ supportedAccommodation: false });
    expect(later.cohortFacts).toHaveLength(1);
    expect(await searchFinds(after, 'cohort=supported-accommodation')).toMatchObject({
      cohort: ['supported-accommodation'],
    });
    await searchMisses(after, 'cohort=24-week');

    expect(steps(await timeline(before, 3))).toEqual([
      'decision.refused → decision:refused (caseworker)',
      'appeal.lodged → appeal:lodged (tribunal)',
      'cohort.changed → appeal:lodged (caseworker)',
    ]);
    await record(before, 'fact-before-lodging');
    await record(after, 'fact-after-lodging');
  });

  it("the tribunal's flag adds the clock and removes it, with its reason, and search agrees", async () => {
    const caseId = await appealLodged(daysAgo(10), NEITHER);
    expect((await read(caseId)).clocks).toEqual([]);
    // Only the tribunal decides it.
    expect(
      (await send(caseId, 'caseworker', { type: 'tribunal.24-week-flag-set', inCohort: true, reason: 'x' })).status,
    ).toBe(403);

    const flagged = await apply(caseId, 'tribunal', {
      type: 'tribunal.24-week-flag-set',
      inCohort: true,
      reason: 'a foreign national offender, not detained',
    });
    expect(flagged.tribunalFlag).toEqual({
      inCohort: true,
      reason: 'a foreign national offender, not detained',
      on: today(),
    });
    expect(clockNames(flagged)).toEqual(['tribunal-24-weeks']);
    expect(clockOf(flagged, 'tribunal-24-weeks')).toMatchObject({
      state: 'running',
      startedAt: daysAgo(9),
      lastDay: daysAgo(10 - 168),
    });
    // The facts still say otherwise: the flag overrides them.
    expect(flagged.cohortAtAppeal).toMatchObject(NEITHER);
    expect(await searchFinds(caseId, 'cohort=24-week')).toMatchObject({ lastDay: daysAgo(10 - 168) });
    await searchFinds(caseId, 'clock=running');

    const unflagged = await apply(caseId, 'tribunal', {
      type: 'tribunal.24-week-flag-set',
      inCohort: false,
      reason: 'detained since before the appeal',
    });
    expect(unflagged.tribunalFlag).toEqual({
      inCohort: false,
      reason: 'detained since before the appeal',
      on: today(),
    });
    expect(unflagged.clocks).toEqual([]);
    await searchMisses(caseId, 'cohort=24-week');
    // Nor is it found as a running clock, or by its last day.
    await searchMisses(caseId, 'clock=running');
    await searchMisses(caseId, `deadlineBefore=${daysAhead(400)}`);

    expect(steps(await timeline(caseId, 4)).slice(2)).toEqual([
      'tribunal.24-week-flag-set → appeal:lodged (tribunal)',
      'tribunal.24-week-flag-set → appeal:lodged (tribunal)',
    ]);
    await record(caseId, 'flag-set-and-removed');
  });

  it('an appeal from outside the UK: a 28-day window, no 24 weeks though in supported accommodation, 28 days for permission', async () => {
    const caseId = await stack.openCase({ cohort: SUPPORTED });
    const refusal = await apply(caseId, 'caseworker', {
      type: 'decision.refused',
      outOfCountry: true,
      decidedOn: daysAgo(3),
      sentOn: daysAgo(3),
    });
    const windowLastDay = workingDayFrom(plusDays(daysAgo(3), 28));
    expect(clockOf(refusal, 'appeal-window')).toMatchObject({
      state: 'running',
      startedAt: daysAgo(3),
      lastDay: windowLastDay,
      deadline: ukEndOfDay(windowLastDay),
    });
    expect(refusal.dates).toMatchObject({
      outOfCountry: true,
      appealWindowDays: 28,
      appealWindowLastDay: windowLastDay,
    });

    const lodged = await apply(caseId, 'tribunal', { type: 'appeal.lodged' });
    expect(positionOf(lodged)).toBe('appeal:lodged');
    expect(lodged.clocks).toEqual([]);
    expect(lodged.cohortAtAppeal).toMatchObject({ supportedAccommodation: true });
    expect(lodged.appealPending).toBe(true);

    const decided = await apply(caseId, 'tribunal', {
      type: 'tribunal.determined',
      outcome: 'dismissed',
      onThePapers: true,
    });
    const onwardLastDay = workingDayFrom(daysAhead(28));
    expect(clockNames(decided)).toEqual(['onward-appeal-window']);
    expect(clockOf(decided, 'onward-appeal-window')).toMatchObject({ startedAt: today(), lastDay: onwardLastDay });
    await searchMisses(caseId, 'cohort=24-week');
    await record(caseId, 'out-of-country');
  });
});

describe('the onward chain', () => {
  it('permission refused, renewed to the Upper Tribunal in time, granted there (HMCTS), dismissed: pending throughout, then the Court of Appeal decides finally', async () => {
    const { caseId, homeOfficeRef } = await stack.openFindableCase();
    await dismissed(caseId);

    const sought = await apply(caseId, 'tribunal', { type: 'onward-appeal.lodged' });
    expect(positionOf(sought)).toBe('tribunal:onward-appeal-pending');
    expect(sought.onward).toEqual({ party: 'appellant', court: 'first-tier', kind: 'permission', lodgedOn: today() });
    expect(sought).toMatchObject({ appealPending: true, appealPendingReason: 'an onward appeal awaits decision' });

    const refusal = await apply(caseId, 'tribunal', {
      type: 'onward-appeal.decided',
      outcome: 'refused',
      by: 'first-tier',
    });
    expect(positionOf(refusal)).toBe('tribunal:permission-refused');
    expect(refusal.appealPending).toBe(true);
    expect(refusal.appealPendingReason).toMatch(/renewed to the Upper Tribunal/);
    expect(refusal.removalBarred).toMatch(/^an appeal is pending/);
    const renewalLastDay = workingDayFrom(daysAhead(14));
    expect(clockOf(refusal, 'permission-renewal-window')).toMatchObject({
      state: 'running',
      startedAt: today(),
      lastDay: renewalLastDay,
      deadline: ukEndOfDay(renewalLastDay),
    });
    expect(refusal.dates.renewalWindowLastDay).toBe(renewalLastDay);
    expect(await refused(caseId, 'caseworker', { type: 'exit.removed' })).toMatch(
      /an appeal is pending: permission to appeal may be renewed/,
    );
    expect(await searchFinds(caseId, 'stage=tribunal&status=permission-refused')).toMatchObject({
      status: 'permission-refused',
      appealPending: true,
    });
    // Renewed to the Upper Tribunal, not to the First-tier again.
    expect(await refused(caseId, 'tribunal', { type: 'onward-appeal.lodged', to: 'first-tier' })).toMatch(
      /goes to the upper-tribunal, not the first-tier/,
    );

    const renewed = await apply(caseId, 'tribunal', { type: 'onward-appeal.lodged', to: 'upper-tribunal' });
    expect(positionOf(renewed)).toBe('tribunal:onward-appeal-pending');
    expect(renewed.onward).toMatchObject({ court: 'upper-tribunal', kind: 'permission', party: 'appellant' });
    expect(renewed.appealPending).toBe(true);
    expect(clockOf(renewed, 'permission-renewal-window')).toBeUndefined();
    expect(
      await searchFinds(caseId, 'status=onward-appeal-pending,permission-refused&appealPending=true'),
    ).toMatchObject({ status: 'onward-appeal-pending' });

    // HMCTS reports the Upper Tribunal's grant.
    const grant = await hmctsWebhook({
      type: 'onward-appeal.decided',
      outcome: 'granted',
      by: 'upper-tribunal',
      references: { homeOfficeRef },
    });
    expect(grant).toMatchObject({ status: 202, body: { status: 'applied', caseId } });
    const granted = await read(caseId);
    expect(positionOf(granted)).toBe('tribunal:onward-appeal-pending');
    expect(granted.onward).toMatchObject({ court: 'upper-tribunal', kind: 'appeal' });

    const utDismissed = await apply(caseId, 'tribunal', {
      type: 'onward-appeal.decided',
      outcome: 'dismissed',
      by: 'upper-tribunal',
    });
    expect(positionOf(utDismissed)).toBe('tribunal:dismissed');
    expect(utDismissed).toMatchObject({
      appealPending: true,
      appealPendingReason: 'an onward appeal can still be brought in time',
    });
    expect(utDismissed.onward).toBeUndefined();
    const coaLastDay = workingDayFrom(daysAhead(14));
    expect(clockOf(utDismissed, 'onward-appeal-window')).toMatchObject({
      state: 'running',
      startedAt: today(),
      lastDay: coaLastDay,
    });
    expect(utDismissed.dates.onwardWindowLastDay).toBe(coaLastDay);
    // The First-tier's 24 weeks keep their record.
    expect(clockOf(utDismissed, 'tribunal-24-weeks')).toMatchObject({ state: 'met', stoppedOn: daysAgo(5) });
    expect(await refused(caseId, 'tribunal', { type: 'onward-appeal.lodged', to: 'first-tier' })).toMatch(
      /goes to the court-of-appeal/,
    );

    const coa = await apply(caseId, 'tribunal', { type: 'onward-appeal.lodged' });
    expect(coa.onward).toMatchObject({ court: 'court-of-appeal', kind: 'permission' });
    const final = await apply(caseId, 'tribunal', {
      type: 'onward-appeal.decided',
      outcome: 'refused',
      by: 'court-of-appeal',
    });
    expect(positionOf(final)).toBe('exit:appeal-rights-exhausted');
    expect(final.appealPending).toBe(false);
    expect(final.removalBarred).toBeUndefined();
    expect((await stack.call('GET', `/cases/${caseId}`, { role: 'caseworker' })).body.allowedEvents).toContain(
      'exit.removed',
    );

    expect(steps(await timeline(caseId, 11)).slice(4)).toEqual([
      'onward-appeal.lodged → tribunal:onward-appeal-pending (tribunal)',
      'onward-appeal.decided → tribunal:permission-refused (tribunal)',
      'onward-appeal.lodged → tribunal:onward-appeal-pending (tribunal)',
      'onward-appeal.decided → tribunal:onward-appeal-pending (integration)',
      'onward-appeal.decided → tribunal:dismissed (tribunal)',
      'onward-appeal.lodged → tribunal:onward-appeal-pending (tribunal)',
      'onward-appeal.decided → exit:appeal-rights-exhausted (tribunal)',
    ]);
    await record(caseId, 'renewed-upper-tribunal-court-of-appeal');
  });

  it('permission refused by the First-tier a month ago and never renewed: the renewal window closes, rights are exhausted', async () => {
    const caseId = await stack.openCase();
    await dismissed(caseId);
    await apply(caseId, 'tribunal', { type: 'onward-appeal.lodged' });
    // The refusal was sent 30 days ago: its 14 days (to a working day) are long past, so the timer fires at once.
    const refusal = await send(caseId, 'tribunal', {
      type: 'onward-appeal.decided',
      outcome: 'refused',
      by: 'first-tier',
      decidedOn: daysAgo(30),
    });
    expect(refusal.status).toBe(200);
    const exhausted = await until(caseId, 'exit:appeal-rights-exhausted');
    expect(exhausted.appealPending).toBe(false);
    expect(exhausted.removalBarred).toBeUndefined();
    expect(steps(await timeline(caseId, 7)).slice(-2)).toEqual([
      'onward-appeal.decided → tribunal:permission-refused (tribunal)',
      'permission-renewal-window.expired → exit:appeal-rights-exhausted (system)',
    ]);
    await record(caseId, 'renewal-window-expired');
  });

  it('remitted by the Upper Tribunal: a fresh First-tier hearing, listed and determined again, 24 weeks from the remittal only once the tribunal flags it', async () => {
    const caseId = await dismissed();
    await apply(caseId, 'tribunal', { type: 'onward-appeal.lodged' });
    const granted = await apply(caseId, 'tribunal', {
      type: 'onward-appeal.decided',
      outcome: 'granted',
      by: 'first-tier',
    });
    expect(granted.onward).toMatchObject({ court: 'upper-tribunal', kind: 'appeal' });

    const remitted = await apply(caseId, 'tribunal', {
      type: 'onward-appeal.decided',
      outcome: 'remitted',
      by: 'upper-tribunal',
    });
    expect(positionOf(remitted)).toBe('tribunal:remitted');
    expect(remitted).toMatchObject({
      appealPending: true,
      appealPendingReason: 'the appeal was remitted for a fresh hearing',
    });
    expect(remitted.dates.remittedOn).toBe(today());
    expect(remitted.onward).toBeUndefined();
    // No new 24 weeks: the first hearing's clock keeps its record.
    expect(clockNames(remitted)).toEqual(['tribunal-24-weeks']);
    expect(clockOf(remitted, 'tribunal-24-weeks')).toMatchObject({ state: 'met', stoppedOn: daysAgo(5) });
    expect(remitted.allowedEvents).toEqual(expect.arrayContaining(['tribunal.listed', 'tribunal.24-week-flag-set']));

    const relisted = await apply(caseId, 'tribunal', { type: 'tribunal.listed', hearingDate: daysAhead(30) });
    expect(positionOf(relisted)).toBe('tribunal:listed');
    expect(clockOf(relisted, 'tribunal-24-weeks')).toMatchObject({ state: 'met', stoppedOn: daysAgo(5) });

    const flagged = await apply(caseId, 'tribunal', {
      type: 'tribunal.24-week-flag-set',
      inCohort: true,
      reason: 'the remitted appeal is in the cohort',
    });
    expect(clockOf(flagged, 'tribunal-24-weeks')).toMatchObject({
      state: 'running',
      startedAt: daysAhead(1),
      lastDay: daysAhead(168),
    });

    const again = await apply(caseId, 'tribunal', { type: 'tribunal.determined', outcome: 'allowed' });
    expect(positionOf(again)).toBe('tribunal:allowed');
    expect(clockOf(again, 'tribunal-24-weeks')).toMatchObject({
      state: 'met',
      stoppedOn: today(),
      startedAt: daysAhead(1),
    });
    // Either party may seek permission against the new determination.
    expect(again.appealPending).toBe(true);
    expect(again.allowedEvents).toContain('onward-appeal.lodged');

    expect(steps(await timeline(caseId, 10)).slice(4)).toEqual([
      'onward-appeal.lodged → tribunal:onward-appeal-pending (tribunal)',
      'onward-appeal.decided → tribunal:onward-appeal-pending (tribunal)',
      'onward-appeal.decided → tribunal:remitted (tribunal)',
      'tribunal.listed → tribunal:listed (tribunal)',
      'tribunal.24-week-flag-set → tribunal:listed (tribunal)',
      'tribunal.determined → tribunal:allowed (tribunal)',
    ]);
    await record(caseId, 'remitted');
  });
});

describe('judicial review', () => {
  it('lodged against a certification keeps removal blocked; dismissed, removal goes ahead', async () => {
    const caseId = await stack.openCase();
    const certified = await apply(caseId, 'caseworker', { type: 'decision.certified' });
    expect(positionOf(certified)).toBe('exit:certified');
    expect(certified.removalBarred).toBeUndefined();
    expect(certified.allowedEvents).toContain('judicial-review.lodged');

    const jr = await apply(caseId, 'caseworker', {
      type: 'judicial-review.lodged',
      against: 'certification',
      lodgedOn: daysAgo(2),
    });
    expect(positionOf(jr)).toBe('exit:certified');
    expect(jr.judicialReview).toEqual({ lodgedOn: daysAgo(2), against: 'certification' });
    expect(jr.removalBarred).toBe('a judicial review of the certification decision is pending');
    expect(jr.appealPending).toBe(false);
    const blocked = await send(caseId, 'caseworker', { type: 'exit.removed' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.detail).toBe(
      'exit.removed is not allowed: a judicial review of the certification decision is pending',
    );
    expect(blocked.body.allowedEvents).not.toContain('exit.removed');
    expect(await refused(caseId, 'tribunal', { type: 'judicial-review.lodged', against: 'certification' })).toMatch(
      /already pending/,
    );

    const decided = await apply(caseId, 'tribunal', { type: 'judicial-review.decided', outcome: 'dismissed' });
    expect(positionOf(decided)).toBe('exit:certified');
    expect(decided.judicialReview).toBeUndefined();
    expect(decided.removalBarred).toBeUndefined();
    const removed = await apply(caseId, 'caseworker', { type: 'exit.removed' });
    expect(positionOf(removed)).toBe('exit:removed');

    expect(steps(await timeline(caseId, 4))).toEqual([
      'decision.certified → exit:certified (caseworker)',
      'judicial-review.lodged → exit:certified (caseworker)',
      'judicial-review.decided → exit:certified (tribunal)',
      'exit.removed → exit:removed (caseworker)',
    ]);
    await record(caseId, 'judicial-review-certification');
  });
});

describe('further submissions', () => {
  it('lodged without a decision on a fresh claim: pending, found by status, no removal; refused as a fresh claim: a new appeal window', async () => {
    const caseId = await rightsExhausted();
    const lodged = await apply(caseId, 'caseworker', { type: 'further-submissions.lodged' });
    expect(positionOf(lodged)).toBe('exit:further-submissions-pending');
    expect(lodged.furtherSubmissions).toEqual({ lodgedOn: today(), from: 'exit:appeal-rights-exhausted' });
    expect(lodged).toMatchObject({ appealPending: false, removalBarred: 'further submissions await consideration' });
    expect(await searchFinds(caseId, 'status=further-submissions-pending')).toMatchObject({
      stage: 'exit',
      status: 'further-submissions-pending',
      appealPending: false,
    });
    await searchFinds(caseId, 'stage=exit&status=further-submissions-pending');
    expect(await refused(caseId, 'caseworker', { type: 'exit.removed' })).toBe(
      'exit.removed is not allowed: further submissions await consideration',
    );

    const refusal = await apply(caseId, 'caseworker', {
      type: 'further-submissions.decided',
      outcome: 'fresh-claim-refused',
    });
    expect(positionOf(refusal)).toBe('decision:refused');
    expect(refusal.counts.claims).toBe(2);
    expect(refusal.furtherSubmissions).toBeUndefined();
    expect(refusal.dates).toMatchObject({ claimDate: today(), refusedOn: today() });
    const windowLastDay = workingDayFrom(daysAhead(14));
    expect(clockNames(refusal)).toEqual(['appeal-window']);
    expect(clockOf(refusal, 'appeal-window')).toMatchObject({
      state: 'running',
      startedAt: today(),
      lastDay: windowLastDay,
    });
    expect(refusal).toMatchObject({ appealPending: true, appealPendingReason: 'the appeal window is open' });
    await searchMisses(caseId, 'status=further-submissions-pending');
    expect(await searchFinds(caseId, 'stage=decision&status=refused')).toMatchObject({ appealPending: true });

    expect(steps(await timeline(caseId, 4))).toEqual([
      'decision.refused → decision:refused (caseworker)',
      'appeal-window.expired → exit:appeal-rights-exhausted (system)',
      'further-submissions.lodged → exit:further-submissions-pending (caseworker)',
      'further-submissions.decided → decision:refused (caseworker)',
    ]);
    await record(caseId, 'fresh-claim-refused');
  });

  it('rejected: back at appeal rights exhausted; a judicial review of the rejection bars removal, and allowed, they are considered again', async () => {
    const caseId = await rightsExhausted();
    await apply(caseId, 'caseworker', { type: 'further-submissions.lodged' });
    const rejected = await apply(caseId, 'caseworker', { type: 'further-submissions.decided', outcome: 'rejected' });
    expect(positionOf(rejected)).toBe('exit:appeal-rights-exhausted');
    expect(rejected.dates.furtherSubmissionsRejectedOn).toBe(today());
    expect(rejected.removalBarred).toBeUndefined();
    expect(rejected.allowedEvents).toEqual(expect.arrayContaining(['exit.removed', 'judicial-review.lodged']));
    // Only the rejection is open to judicial review here.
    expect(await refused(caseId, 'caseworker', { type: 'judicial-review.lodged', against: 'certification' })).toMatch(
      /no decision here that only judicial review can challenge/,
    );

    const jr = await apply(caseId, 'caseworker', { type: 'judicial-review.lodged', against: 'further-submissions' });
    expect(jr.judicialReview).toEqual({ lodgedOn: today(), against: 'further-submissions' });
    expect(await refused(caseId, 'caseworker', { type: 'exit.removed' })).toBe(
      'exit.removed is not allowed: a judicial review of the further-submissions decision is pending',
    );

    const quashed = await apply(caseId, 'tribunal', { type: 'judicial-review.decided', outcome: 'allowed' });
    expect(positionOf(quashed)).toBe('exit:further-submissions-pending');
    expect(quashed.judicialReview).toBeUndefined();
    expect(quashed.furtherSubmissions).toEqual({ lodgedOn: today(), from: 'exit:appeal-rights-exhausted' });
    expect(quashed.removalBarred).toBe('further submissions await consideration');
    await searchFinds(caseId, 'status=further-submissions-pending');

    expect(steps(await timeline(caseId, 6)).slice(2)).toEqual([
      'further-submissions.lodged → exit:further-submissions-pending (caseworker)',
      'further-submissions.decided → exit:appeal-rights-exhausted (caseworker)',
      'judicial-review.lodged → exit:appeal-rights-exhausted (caseworker)',
      'judicial-review.decided → exit:further-submissions-pending (tribunal)',
    ]);
    await record(caseId, 'submissions-rejected-judicial-review');
  });
});

describe('searching by status', () => {
  it('checks each status against the lifecycle, and against the stage when one is given', async () => {
    const bad = async (query: string) => {
      const res = await stack.call('GET', `/cases?${query}`, { role: 'supervisor' });
      expect(res.status, query).toBe(400);
      return res.body.errors as Array<{ field: string; message: string }>;
    };
    expect(await bad('status=pending')).toEqual([
      { field: 'status', message: expect.stringMatching(/^names a status the lifecycle does not have/) },
    ]);
    expect(await bad("status=lodged'%20OR%20'1'='1")).toEqual([
      { field: 'status', message: 'must be a status, or up to ten separated by commas' },
    ]);
    expect(await bad('stage=claim&status=refused')).toEqual([
      { field: 'status', message: expect.stringMatching(/^refused is not a status of the claim stage/) },
    ]);
    expect(await bad('stage=tribunal&status=permission-refused,lodged')).toEqual([
      { field: 'status', message: expect.stringMatching(/^lodged is not a status of the tribunal stage/) },
    ]);
    // A status alone is any stage's: a claim lodged and an appeal lodged are both `lodged`.
    const claim = await stack.openCase();
    const appeal = await appealLodged(today());
    await searchFinds(claim, 'status=lodged');
    await searchFinds(appeal, 'status=lodged');
    await searchFinds(appeal, 'stage=appeal&status=lodged');
    await searchMisses(claim, 'stage=appeal&status=lodged');
  });
});
