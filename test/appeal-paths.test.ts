/**
 * The appeal as the tribunal runs it, end to end over HTTP on the real server: late appeals (by
 * HMCTS webhook, after the window expired by timer), the window from the day the notice was sent,
 * hearings that move, endings that end the clocks, respondent directions extended, and held events
 * applied or dismissed by a supervisor. Every limit is reached with back-dated events, never by
 * waiting. Expected last days are worked out here, on their own, with a weekday check and the
 * England-and-Wales bank holidays written out below.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.js';
import { caseApi, positionOf, clockOf, clockNames, steps, workingDayFrom, weekdayOf } from './case-api.js';
import { daysAgo, londonToday, plusDays, ukEndOfDay } from './dates.js';
import { eventually } from './systems.js';

const stack = useStack();

const today = () => londonToday();
const daysAhead = (n: number) => daysAgo(-n);
const { send, read, apply, webhook, until, timeline, searchFinds, record } = caseApi(stack, 'paths');

/** A case findable by its Home Office reference, with the references a webhook names it by. */
async function openFindableCase(overrides: Record<string, unknown> = {}) {
  const { caseId, homeOfficeRef } = await stack.openFindableCase(overrides);
  return { caseId, references: { homeOfficeRef } };
}

/** Refused (the window runs from `sentOn`) and appealed on `lodgedOn`: the case at appeal:lodged. */
async function appealLodged(lodgedOn: string) {
  const caseId = await stack.openCase();
  await apply(caseId, 'caseworker', { type: 'decision.refused', decidedOn: lodgedOn, sentOn: lodgedOn });
  const lodged = await apply(caseId, 'tribunal', { type: 'appeal.lodged', lodgedOn });
  expect(positionOf(lodged)).toBe('appeal:lodged');
  return caseId;
}

/** Refused 30 days ago, no appeal: the window expires by timer (its last day, a working day, is long past). */
async function rightsExhausted(existing?: string) {
  const caseId = existing ?? (await stack.openCase());
  await apply(caseId, 'caseworker', { type: 'decision.refused', decidedOn: daysAgo(31), sentOn: daysAgo(30) });
  const exhausted = await until(caseId, 'exit:appeal-rights-exhausted');
  expect(exhausted.appealPending).toBe(false);
  return caseId;
}

describe('a late appeal', () => {
  it('by HMCTS webhook after the window expired is applied as out of time, bars removal, and runs once time is extended', async () => {
    const { caseId, references } = await openFindableCase();
    await rightsExhausted(caseId);

    const late = await webhook('hmcts', { type: 'appeal.lodged', lodgedOn: daysAgo(1), references });
    expect(late.status).toBe(202);
    expect(late.body).toEqual({ status: 'applied', caseId });
    const outOfTime = await read(caseId);
    expect(positionOf(outOfTime)).toBe('appeal:out-of-time');
    expect(outOfTime).toMatchObject({
      appealPending: true,
      appealPendingReason: expect.stringContaining('extending time'),
      counts: { appeals: 1 },
      held: [],
    });
    expect(outOfTime.dates).toMatchObject({ appealLodgedOn: daysAgo(1), refusedOn: daysAgo(31), sentOn: daysAgo(30) });
    expect(outOfTime.dates.exitedOn).toBeUndefined();
    // No 24-week clock until the tribunal admits the appeal; the window is closed.
    expect(outOfTime.clocks).toEqual([]);

    // No removal while the late appeal awaits the tribunal (2002 Act s.78).
    const removal = await send(caseId, 'caseworker', { type: 'exit.removed' });
    expect(removal.status).toBe(409);
    expect(removal.body.detail).toMatch(/an appeal is pending: a late appeal awaits/);
    expect(removal.body.allowedEvents).not.toContain('exit.removed');
    expect(await searchFinds(caseId, 'appealPending=true')).toMatchObject({ caseId, appealPending: true });

    // Time extended: the appeal proceeds as if lodged today, the 24 weeks from tomorrow.
    const granted = await apply(caseId, 'tribunal', {
      type: 'appeal.extension-decided',
      granted: true,
      reason: 'delay explained by the appellant’s hospital stay',
    });
    expect(positionOf(granted)).toBe('appeal:lodged');
    expect(granted.appealPending).toBe(true);
    expect(granted.dates).toMatchObject({ extensionGrantedOn: today(), appealLodgedOn: daysAgo(1) });
    expect(clockNames(granted)).toEqual(['tribunal-24-weeks']);
    expect(clockOf(granted, 'tribunal-24-weeks')).toMatchObject({
      state: 'running',
      startedAt: daysAhead(1),
      lastDay: daysAhead(168),
      deadline: ukEndOfDay(daysAhead(168)),
      level: 0,
    });

    expect(steps(await timeline(caseId, 4))).toEqual([
      'decision.refused → decision:refused (caseworker)',
      'appeal-window.expired → exit:appeal-rights-exhausted (system)',
      'appeal.lodged → appeal:out-of-time (integration)',
      'appeal.extension-decided → appeal:lodged (tribunal)',
    ]);
    await record(caseId, 'late-appeal-extended');
  });

  it('refused an extension is back at appeal rights exhausted: no appeal pending, a second late appeal held, removal allowed', async () => {
    const { caseId, references } = await openFindableCase();
    await rightsExhausted(caseId);
    expect((await webhook('hmcts', { type: 'appeal.lodged', lodgedOn: today(), references })).body.status).toBe(
      'applied',
    );
    expect(positionOf(await read(caseId))).toBe('appeal:out-of-time');

    const refused = await apply(caseId, 'tribunal', {
      type: 'appeal.extension-decided',
      granted: false,
      reason: 'no good reason for the delay',
    });
    expect(positionOf(refused)).toBe('exit:appeal-rights-exhausted');
    expect(refused.appealPending).toBe(false);
    expect(refused.appealPendingReason).toBeUndefined();
    expect(refused.dates).toMatchObject({ extensionRefusedOn: today(), exitedOn: today() });
    expect(refused.clocks).toEqual([]);
    expect(await searchFinds(caseId, 'appealPending=false')).toMatchObject({ caseId, appealPending: false });

    // The tribunal has refused to extend time: another late notice does not reopen the case.
    const again = await webhook('hmcts', { type: 'appeal.lodged', lodgedOn: today(), references });
    expect(again.body).toMatchObject({ status: 'held', reason: expect.stringContaining('refused to extend time') });

    const removed = await apply(caseId, 'caseworker', { type: 'exit.removed' });
    expect(positionOf(removed)).toBe('exit:removed');
    expect(steps(await timeline(caseId, 5))).toEqual([
      'decision.refused → decision:refused (caseworker)',
      'appeal-window.expired → exit:appeal-rights-exhausted (system)',
      'appeal.lodged → appeal:out-of-time (integration)',
      'appeal.extension-decided → exit:appeal-rights-exhausted (tribunal)',
      'exit.removed → exit:removed (caseworker)',
    ]);
    await record(caseId, 'late-appeal-refused');
  });

  it('lodged within the window but heard of after it expired is in time, its 24 weeks from the day lodged', async () => {
    const caseId = await rightsExhausted();
    // Sent 30 days ago: the window's last day is 16 days ago or a little later; lodged 25 days ago is inside it.
    const lodged = await apply(caseId, 'tribunal', { type: 'appeal.lodged', lodgedOn: daysAgo(25) });
    expect(positionOf(lodged)).toBe('appeal:lodged');
    expect(lodged).toMatchObject({ appealPending: true, counts: { appeals: 1 } });
    expect(lodged.dates).toMatchObject({ appealLodgedOn: daysAgo(25) });
    expect(lodged.dates.exitedOn).toBeUndefined();
    expect(clockNames(lodged)).toEqual(['tribunal-24-weeks']);
    expect(clockOf(lodged, 'tribunal-24-weeks')).toMatchObject({
      state: 'running',
      startedAt: daysAgo(24),
      lastDay: daysAgo(25 - 168),
    });
    expect(steps(await timeline(caseId, 3)).at(-1)).toBe('appeal.lodged → appeal:lodged (tribunal)');
    await record(caseId, 'lodged-in-time-heard-late');
  });
});

describe('the appeal window', () => {
  it('runs from the day the notice was sent, to a working day', async () => {
    const caseId = await stack.openCase();
    const backwards = await send(caseId, 'caseworker', {
      type: 'decision.refused',
      decidedOn: daysAgo(5),
      sentOn: daysAgo(6),
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors.map((e: any) => e.field)).toEqual(['sentOn']);

    // Decided 20 days ago: counted from the decision the window would have closed a week ago.
    const refused = await apply(caseId, 'caseworker', {
      type: 'decision.refused',
      decidedOn: daysAgo(20),
      sentOn: daysAgo(5),
    });
    const lastDay = workingDayFrom(daysAgo(5 - 14));
    expect(clockOf(refused, 'appeal-window')).toMatchObject({
      state: 'running',
      startedAt: daysAgo(5),
      lastDay,
      deadline: ukEndOfDay(lastDay),
    });
    expect(refused.dates).toMatchObject({
      refusedOn: daysAgo(20),
      sentOn: daysAgo(5),
      appealWindowDays: 14,
      appealWindowLastDay: lastDay,
    });
    expect(refused).toMatchObject({ appealPending: true, appealPendingReason: 'the appeal window is open' });
    // Nothing expires it: still refused after the worker has had time to act on a due window.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(positionOf(await read(caseId))).toBe('decision:refused');
    const lodged = await apply(caseId, 'tribunal', { type: 'appeal.lodged' });
    expect(positionOf(lodged)).toBe('appeal:lodged');
    await record(caseId, 'window-from-sent');
  });
});

describe('hearings', () => {
  it('listed, adjourned without a date, relisted, adjourned to a new date, reserved, determined: the 24 weeks met on promulgation', async () => {
    const caseId = await appealLodged(daysAgo(60));
    const listed = await apply(caseId, 'tribunal', { type: 'tribunal.listed', hearingDate: daysAgo(40) });
    expect(positionOf(listed)).toBe('tribunal:listed');
    expect(listed.dates.hearingDate).toBe(daysAgo(40));

    const adjourned = await apply(caseId, 'tribunal', { type: 'tribunal.adjourned', reason: 'no interpreter' });
    expect(positionOf(adjourned)).toBe('tribunal:adjourned');
    expect(adjourned.dates.hearingDate).toBeUndefined();
    expect(adjourned.appealPending).toBe(true);
    // Not heard, not on the papers: no determination while adjourned.
    const early = await send(caseId, 'tribunal', { type: 'tribunal.determined', outcome: 'dismissed' });
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/only on the papers/);

    const relisted = await apply(caseId, 'tribunal', { type: 'tribunal.listed', hearingDate: daysAgo(20) });
    expect(positionOf(relisted)).toBe('tribunal:listed');
    expect(relisted.dates.hearingDate).toBe(daysAgo(20));

    const moved = await apply(caseId, 'tribunal', {
      type: 'tribunal.adjourned',
      reason: 'judge unwell',
      hearingDate: daysAgo(10),
    });
    expect(positionOf(moved)).toBe('tribunal:listed');
    expect(moved.dates.hearingDate).toBe(daysAgo(10));

    const reserved = await apply(caseId, 'tribunal', { type: 'tribunal.reserved', heardOn: daysAgo(10) });
    expect(positionOf(reserved)).toBe('tribunal:reserved');
    expect(reserved.dates.heardOn).toBe(daysAgo(10));
    expect(clockOf(reserved, 'tribunal-24-weeks').state).toBe('running');

    const determined = await apply(caseId, 'tribunal', {
      type: 'tribunal.determined',
      outcome: 'dismissed',
      determinedOn: daysAgo(3),
      promulgatedOn: daysAgo(2),
    });
    expect(positionOf(determined)).toBe('tribunal:dismissed');
    expect(determined.dates).toMatchObject({ determinedOn: daysAgo(3), promulgatedOn: daysAgo(2) });
    expect(clockOf(determined, 'tribunal-24-weeks')).toMatchObject({
      state: 'met',
      stoppedOn: daysAgo(2),
      decidedInTime: true,
    });
    // Permission to appeal runs from promulgation, to a working day; the appeal stays pending meanwhile.
    const onwardLastDay = workingDayFrom(daysAgo(2 - 14));
    expect(clockOf(determined, 'onward-appeal-window')).toMatchObject({
      state: 'running',
      startedAt: daysAgo(2),
      lastDay: onwardLastDay,
    });
    expect(determined.dates.onwardWindowLastDay).toBe(onwardLastDay);
    expect(determined.appealPending).toBe(true);

    expect(steps(await timeline(caseId, 8)).slice(2)).toEqual([
      'tribunal.listed → tribunal:listed (tribunal)',
      'tribunal.adjourned → tribunal:adjourned (tribunal)',
      'tribunal.listed → tribunal:listed (tribunal)',
      'tribunal.adjourned → tribunal:listed (tribunal)',
      'tribunal.reserved → tribunal:reserved (tribunal)',
      'tribunal.determined → tribunal:dismissed (tribunal)',
    ]);
    await record(caseId, 'hearing-moves');
  });

  it('determined on the papers straight from lodged; without onThePapers that is refused', async () => {
    const caseId = await appealLodged(daysAgo(30));
    const unheard = await send(caseId, 'tribunal', {
      type: 'tribunal.determined',
      outcome: 'allowed',
      promulgatedOn: daysAgo(1),
    });
    expect(unheard.status).toBe(409);
    expect(unheard.body.detail).toMatch(/onThePapers: true/);
    expect(positionOf(await read(caseId))).toBe('appeal:lodged');

    const papers = await apply(caseId, 'tribunal', {
      type: 'tribunal.determined',
      outcome: 'allowed',
      onThePapers: true,
      promulgatedOn: daysAgo(1),
    });
    expect(positionOf(papers)).toBe('tribunal:allowed');
    expect(papers.dates).toMatchObject({ onThePapers: true, promulgatedOn: daysAgo(1), determinedOn: daysAgo(1) });
    expect(papers.dates.hearingDate).toBeUndefined();
    expect(clockOf(papers, 'tribunal-24-weeks')).toMatchObject({ state: 'met', stoppedOn: daysAgo(1) });
    await record(caseId, 'on-the-papers');
  });
});

describe('an appeal that ends without a determination', () => {
  it('withdrawn: its clock ended, no appeal pending', async () => {
    const caseId = await appealLodged(daysAgo(10));
    const withdrawn = await apply(caseId, 'tribunal', { type: 'appeal.withdrawn', reason: 'appellant’s letter' });
    expect(positionOf(withdrawn)).toBe('exit:appeal-withdrawn');
    expect(withdrawn).toMatchObject({ appealPending: false, appealEnded: { how: 'withdrawn', on: today() } });
    expect(clockOf(withdrawn, 'tribunal-24-weeks')).toMatchObject({ state: 'ended', endedOn: today() });
    await searchFinds(caseId, 'appealPending=false&clock=ended');
    await record(caseId, 'withdrawn');
  });

  it('withdrawn after its 24 weeks were breached: ended, not breached', async () => {
    const caseId = await appealLodged(daysAgo(25 * 7));
    const breached = await eventually(
      async () => {
        const c = await read(caseId);
        return clockOf(c, 'tribunal-24-weeks')?.state === 'breached' ? c : undefined;
      },
      20_000,
      'the breach',
    );
    expect(clockOf(breached, 'tribunal-24-weeks').lastDay).toBe(daysAgo(25 * 7 - 168));
    const withdrawn = await apply(caseId, 'tribunal', { type: 'appeal.withdrawn', reason: 'appellant’s letter' });
    expect(positionOf(withdrawn)).toBe('exit:appeal-withdrawn');
    expect(clockOf(withdrawn, 'tribunal-24-weeks')).toMatchObject({ state: 'ended', endedOn: today() });
    expect(await searchFinds(caseId, 'clock=ended')).toMatchObject({ caseId });
    await record(caseId, 'withdrawn-after-breach');
  });

  it('struck out, then reinstated the same day: back where it was, its clock running to the same last day', async () => {
    const caseId = await appealLodged(daysAgo(20));
    const listed = await apply(caseId, 'tribunal', { type: 'tribunal.listed', hearingDate: daysAhead(30) });
    const before = clockOf(listed, 'tribunal-24-weeks');
    expect(before).toMatchObject({ state: 'running', lastDay: daysAgo(20 - 168) });

    const struck = await apply(caseId, 'tribunal', { type: 'appeal.struck-out', reason: 'fee not paid' });
    expect(positionOf(struck)).toBe('tribunal:struck-out');
    expect(struck).toMatchObject({ appealPending: false, appealEnded: { how: 'struck-out', on: today() } });
    expect(clockOf(struck, 'tribunal-24-weeks')).toMatchObject({ state: 'ended', endedOn: today() });

    const reinstated = await apply(caseId, 'tribunal', { type: 'appeal.reinstated', reason: 'fee paid' });
    expect(positionOf(reinstated)).toBe('tribunal:listed');
    expect(reinstated.appealPending).toBe(true);
    expect(reinstated.appealEnded).toBeUndefined();
    expect(reinstated.dates.hearingDate).toBe(daysAhead(30));
    const after = clockOf(reinstated, 'tribunal-24-weeks');
    expect(after).toMatchObject({ state: 'running', lastDay: before.lastDay, deadline: before.deadline });
    expect(after.warnings).toEqual(before.warnings);
    expect(after.endedOn).toBeUndefined();
    // (The deadline moved by the days struck out is proved at the domain level: clocks-domain.unit.test.ts.)
    expect(steps(await timeline(caseId, 5)).slice(3)).toEqual([
      'appeal.struck-out → tribunal:struck-out (tribunal)',
      'appeal.reinstated → tribunal:listed (tribunal)',
    ]);
    await record(caseId, 'struck-out-reinstated');
  });

  it('abandoned by a grant of leave while listed', async () => {
    const caseId = await appealLodged(daysAgo(10));
    await apply(caseId, 'tribunal', { type: 'tribunal.listed', hearingDate: daysAhead(20) });
    const leave = await apply(caseId, 'caseworker', { type: 'exit.leave-granted' });
    expect(positionOf(leave)).toBe('exit:leave-granted');
    expect(leave).toMatchObject({ appealPending: false, appealEnded: { how: 'abandoned', on: today() } });
    expect(clockOf(leave, 'tribunal-24-weeks')).toMatchObject({ state: 'ended', endedOn: today() });
    await record(caseId, 'abandoned-leave');
  });

  it('abandoned by departure while lodged', async () => {
    const caseId = await appealLodged(daysAgo(10));
    const departed = await apply(caseId, 'caseworker', { type: 'exit.departed' });
    expect(positionOf(departed)).toBe('exit:departed');
    expect(departed).toMatchObject({ appealPending: false, appealEnded: { how: 'abandoned', on: today() } });
    expect(clockOf(departed, 'tribunal-24-weeks')).toMatchObject({ state: 'ended', endedOn: today() });
    await record(caseId, 'abandoned-departed');
  });

  it('the Home Office withdraws its decision: the claim is reconsidered, the clock ended', async () => {
    const caseId = await appealLodged(daysAgo(10));
    const withdrawn = await apply(caseId, 'caseworker', {
      type: 'appeal.decision-withdrawn',
      reason: 'new evidence on the country situation',
    });
    expect(positionOf(withdrawn)).toBe('claim:reconsidering');
    expect(withdrawn).toMatchObject({ appealPending: false, appealEnded: { how: 'decision-withdrawn', on: today() } });
    expect(clockOf(withdrawn, 'tribunal-24-weeks')).toMatchObject({ state: 'ended', endedOn: today() });
    // The claim can be decided again.
    expect(withdrawn.allowedEvents).toEqual(expect.arrayContaining(['decision.refused', 'decision.granted']));
    await record(caseId, 'decision-withdrawn');
  });
});

describe('respondent directions', () => {
  it('evidence requested, its deadline extended to a day the tribunal is shut (moved to the next working day), served in time', async () => {
    const caseId = await appealLodged(daysAgo(5));
    const requested = await apply(caseId, 'tribunal', { type: 'appeal.evidence-requested' });
    const firstLastDay = workingDayFrom(daysAhead(14));
    expect(clockOf(requested, 'respondent-evidence')).toMatchObject({
      state: 'running',
      startedAt: today(),
      lastDay: firstLastDay,
      deadline: ukEndOfDay(firstLastDay),
    });

    // Only a direction that runs can be extended, and never into the past.
    const noReview = await send(caseId, 'tribunal', {
      type: 'appeal.direction-extended',
      clock: 'respondent-review',
      deadline: daysAhead(30),
      reason: 'more time',
    });
    expect(noReview.status).toBe(409);
    const past = await send(caseId, 'tribunal', {
      type: 'appeal.direction-extended',
      clock: 'respondent-evidence',
      deadline: daysAgo(1),
      reason: 'more time',
    });
    expect(past.status).toBe(400);
    expect(past.body.errors.map((e: any) => e.field)).toEqual(['deadline']);

    // A Saturday at least three weeks on: met on the next working day.
    let saturday = daysAhead(21);
    while (weekdayOf(saturday) !== 6) saturday = plusDays(saturday, 1);
    const newLastDay = workingDayFrom(saturday);
    expect(newLastDay > saturday).toBe(true);
    const extended = await apply(caseId, 'tribunal', {
      type: 'appeal.direction-extended',
      clock: 'respondent-evidence',
      deadline: saturday,
      reason: ' bundle too large to serve in time ',
    });
    expect(clockOf(extended, 'respondent-evidence')).toMatchObject({
      state: 'running',
      startedAt: today(),
      lastDay: newLastDay,
      deadline: ukEndOfDay(newLastDay),
      extensions: [{ on: today(), lastDay: newLastDay, reason: 'bundle too large to serve in time' }],
    });
    // The 24 weeks are the tribunal's duty, not the respondent's: untouched.
    expect(clockOf(extended, 'tribunal-24-weeks')).toEqual(clockOf(requested, 'tribunal-24-weeks'));

    const served = await apply(caseId, 'caseworker', { type: 'appeal.evidence-served' });
    const evidence = clockOf(served, 'respondent-evidence');
    expect(evidence).toMatchObject({ state: 'met', stoppedOn: today(), decidedInTime: true, lastDay: newLastDay });
    expect(evidence.late).toBeUndefined();
    // (Evidence served after its last day — late: true, breached — is at the domain level: clocks-domain.unit.test.ts.)
    await record(caseId, 'direction-extended');
  });
});

describe('held events', () => {
  it('a listing before the appeal is held whole, applied by a supervisor once it fits; another dismissed with a reason', async () => {
    const { caseId, references } = await openFindableCase();
    const hearingDate = daysAhead(40);
    const early = await webhook('hmcts', { type: 'tribunal.listed', hearingDate, references });
    expect(early.body).toMatchObject({ status: 'held', caseId, reason: expect.stringContaining('claim:lodged') });
    const key = `hmcts:${early.id}`;
    const atClaim = await read(caseId);
    expect(atClaim.version).toBe(0);
    expect(atClaim.held).toEqual([
      {
        key,
        type: 'tribunal.listed',
        reason: early.body.reason,
        receivedAt: expect.any(String),
        event: { type: 'tribunal.listed', hearingDate },
      },
    ]);
    expect(Date.parse(atClaim.held[0].receivedAt)).toBeGreaterThan(Date.now() - 60_000);

    const heldPath = (k: string, action: string) => `/cases/${caseId}/held/${encodeURIComponent(k)}/${action}`;
    const tooSoon = await stack.call('POST', heldPath(key, 'apply'), { role: 'supervisor', body: {} });
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body.detail).toMatch(/the held tribunal\.listed does not fit the case at claim:lodged/);
    const noSuch = await stack.call('POST', heldPath('hmcts:nothing', 'apply'), { role: 'supervisor', body: {} });
    expect(noSuch.status).toBe(409);
    expect(noSuch.body.detail).toMatch(/no event is held under hmcts:nothing/);

    await apply(caseId, 'caseworker', { type: 'decision.refused' });
    await apply(caseId, 'tribunal', { type: 'appeal.lodged' });
    const asCaseworker = await stack.call('POST', heldPath(key, 'apply'), { role: 'caseworker', body: {} });
    expect(asCaseworker.status).toBe(403);

    const applied = await stack.call('POST', heldPath(key, 'apply'), { role: 'supervisor', body: {} });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(positionOf(applied.body)).toBe('tribunal:listed');
    expect(applied.body.dates.hearingDate).toBe(hearingDate);
    expect(applied.body.held).toEqual([]);
    // Applied once: not again.
    expect((await stack.call('POST', heldPath(key, 'apply'), { role: 'supervisor', body: {} })).status).toBe(409);

    // Something else that does not fit now, dismissed with a reason.
    const stray = await webhook('hmcts', { type: 'onward-appeal.lodged', references });
    expect(stray.body).toMatchObject({ status: 'held', reason: expect.stringContaining('tribunal:listed') });
    const strayKey = `hmcts:${stray.id}`;
    expect((await read(caseId)).held.map((h: any) => h.key)).toEqual([strayKey]);
    const noReason = await stack.call('POST', heldPath(strayKey, 'dismiss'), { role: 'supervisor', body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: any) => e.field)).toEqual(['reason']);
    const blankReason = await stack.call('POST', heldPath(strayKey, 'dismiss'), {
      role: 'supervisor',
      body: { reason: '  ' },
    });
    expect(blankReason.status).toBe(400);
    expect(blankReason.body.errors.map((e: any) => e.field)).toEqual(['reason']);
    const dismissed = await stack.call('POST', heldPath(strayKey, 'dismiss'), {
      role: 'supervisor',
      body: { reason: 'sent for the wrong appeal' },
    });
    expect(dismissed.status, JSON.stringify(dismissed.body)).toBe(200);
    expect(dismissed.body.held).toEqual([]);
    expect(positionOf(dismissed.body)).toBe('tribunal:listed');

    const entries = await timeline(caseId, 4);
    expect(entries.map((e) => [e.type, e.actor.role, e.to])).toEqual([
      ['decision.refused', 'caseworker', 'decision:refused'],
      ['appeal.lodged', 'tribunal', 'appeal:lodged'],
      ['held.applied', 'supervisor', 'tribunal:listed'],
      ['held.dismissed', 'supervisor', 'tribunal:listed'],
    ]);
    expect(entries[2].actor.id).toBe('test-supervisor');
    // The systems hear of the listing as the event they know.
    const courts = await eventually(
      async () => {
        const v = await stack.systems.courts.view(caseId);
        return v && v.messages.length >= 2 ? v : undefined;
      },
      20_000,
      'the courts to hear',
    );
    // The tribunal hears them as its own case events.
    expect(courts.messages.map((m) => m.type)).toEqual(['submitAppeal', 'listCase']);
    await record(caseId, 'held-applied-dismissed');
  });
});
