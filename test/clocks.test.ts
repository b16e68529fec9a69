/**
 * The 24-week clock end to end, with back-dated appeals on the real server: each warning, the
 * breach, the exception, stopping at determination, the notifier hearing each escalation, search
 * by escalation and deadline, and a policy change reaching new clocks only.
 */
import { describe, expect, it } from 'vitest';
import { extraApi, testConfig, useStack } from './harness.js';
import { daysAgo, plusDays, ukEndOfDay, ukMidnight } from './dates.js';
import { eventually } from './systems.js';
import { recordFixtures } from './fixtures.js';
import { londonTimePlus, warningOffsetMs } from '../domain/index.js';

const stack = useStack({}, (s) => recordFixtures(s, 'clocks'));

const weeksAgo = (w: number) => daysAgo(w * 7);

async function appealLodged(
  lodgedOn: string,
  cohort: Record<string, boolean> = { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
) {
  const caseId = await stack.openCase({ cohort });
  expect((await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'decision.refused' } })).status).toBe(
    200,
  );
  expect(
    (
      await stack.call('POST', `/cases/${caseId}/events`, {
        role: 'tribunal',
        body: { type: 'appeal.lodged', lodgedOn },
      })
    ).status,
  ).toBe(200);
  return caseId;
}

const tribunalClock = async (caseId: string) =>
  (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body.clocks.find(
    (c: any) => c.name === 'tribunal-24-weeks',
  );
const notified = async (caseId: string) =>
  (
    (await (await fetch(`${stack.systems.notifier.url}/messages?caseId=${caseId}`)).json()) as {
      messages: Array<{ type: string }>;
    }
  ).messages.map((m) => m.type);

describe('the 24-week clock over HTTP', () => {
  it.each([
    [10, 0, 'running'],
    [17, 1, 'running'],
    [21, 2, 'running'],
    [23, 3, 'running'],
  ])('an appeal lodged %i weeks ago starts at escalation level %i', async (weeks, level, state) => {
    const caseId = await appealLodged(weeksAgo(weeks));
    const clock = await eventually(
      async () => {
        const c = await tribunalClock(caseId);
        return c?.level === level ? c : undefined;
      },
      20_000,
      `level ${level}`,
    );
    expect(clock.state).toBe(state);
    if (level > 0) {
      // One escalation to the level reached, heard by the notifier; none for the levels skipped.
      await eventually(async () => ((await notified(caseId)).length === 1 ? true : undefined), 20_000, 'the notifier');
      expect(await notified(caseId)).toEqual(['clock.escalated']);
      const found = await eventually(
        async () => {
          const res = await stack.call('GET', `/cases?escalation=${level}&ref=${caseId}`, { role: 'supervisor' });
          return res.body.cases.length === 1 ? res.body.cases[0] : undefined;
        },
        15_000,
        'search by escalation',
      );
      expect(found).toMatchObject({
        escalation: level,
        cohort: expect.arrayContaining(['supported-accommodation', '24-week']),
      });
    }
    if (weeks === 23) {
      // Its breach is a week away: lodged 161 days ago, it runs from 160 days ago, and its 168th day is a week on.
      expect(clock.lastDay).toBe(daysAgo(-7));
      expect(clock.deadline).toBe(ukEndOfDay(daysAgo(-7)));
    }
  });

  it('records the breach of an appeal lodged 25 weeks ago, and determination then counts it as late', async () => {
    const caseId = await appealLodged(weeksAgo(25));
    await eventually(
      async () => ((await tribunalClock(caseId))?.state === 'breached' ? true : undefined),
      20_000,
      'breach',
    );
    await eventually(
      async () => ((await notified(caseId)).includes('clock.breached') ? true : undefined),
      20_000,
      'breach notified',
    );
    await eventually(
      async () =>
        (await stack.call('GET', `/cases?ref=${caseId}&escalation=4`, { role: 'supervisor' })).body.cases.length === 1
          ? true
          : undefined,
      15_000,
      'breached in search',
    );
    await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: { type: 'tribunal.listed', hearingDate: daysAgo(3) },
    });
    await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: { type: 'tribunal.determined', outcome: 'allowed', determinedOn: daysAgo(1) },
    });
    const clock = await tribunalClock(caseId);
    expect(clock).toMatchObject({ state: 'breached', decidedInTime: false, stoppedOn: daysAgo(1) });
    expect(clock.breachedAt).toEqual(expect.any(String));
  });

  it('stops at determination in time, and escalates no further', async () => {
    const caseId = await appealLodged(weeksAgo(12));
    await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: { type: 'tribunal.listed', hearingDate: daysAgo(2) },
    });
    await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: { type: 'tribunal.determined', outcome: 'dismissed' },
    });
    expect(await tribunalClock(caseId)).toMatchObject({ state: 'met', decidedInTime: true, level: 0 });
    await eventually(
      async () =>
        (await stack.call('GET', `/cases?ref=${caseId}`, { role: 'supervisor' })).body.cases[0]?.escalation === 0
          ? true
          : undefined,
      15_000,
      'search',
    );
  });

  it('records an exception ("not reasonably practicable") with its reason, for the tribunal only', async () => {
    const caseId = await appealLodged(weeksAgo(23));
    await eventually(async () => ((await tribunalClock(caseId))?.level === 3 ? true : undefined), 20_000, 'level 3');
    const bad = await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: { type: 'clock.exception', clock: 'tribunal-24-weeks', reason: ' ' },
    });
    expect(bad.status).toBe(400);
    const res = await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: {
        type: 'clock.exception',
        clock: 'tribunal-24-weeks',
        reason: 'interpreter unavailable for the only listed language',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.clocks.find((c: any) => c.name === 'tribunal-24-weeks')).toMatchObject({
      state: 'exception',
      exception: { reason: 'interpreter unavailable for the only listed language' },
    });
    expect(
      (
        await stack.call('POST', `/cases/${caseId}/events`, {
          role: 'caseworker',
          body: { type: 'clock.exception', clock: 'tribunal-24-weeks', reason: 'x' },
        })
      ).status,
    ).toBe(403);
    await eventually(
      async () =>
        (await stack.call('GET', `/cases?ref=${caseId}`, { role: 'supervisor' })).body.cases[0]?.escalation === 3
          ? true
          : undefined,
      15_000,
      'search',
    );
    // Visibility is eventually consistent, and the escalation above may have been there before the
    // exception: wait for the exception's own attribute, not for another one's.
    await eventually(
      async () =>
        (await stack.client.workflow.count(`CaseClock = 'exception' AND CaseRefs = '${caseId}'`)).count === 1
          ? true
          : undefined,
      15_000,
      'the exception in search',
    );
  });

  it('starts no clock for a detained appellant', async () => {
    const caseId = await appealLodged(weeksAgo(17), {
      supportedAccommodation: true,
      foreignNationalOffender: true,
      detained: true,
    });
    expect(await tribunalClock(caseId)).toBeUndefined();
  });

  it('a policy change reaches clocks started after it, never a running one', async () => {
    const before = await appealLodged(weeksAgo(17));
    await eventually(async () => ((await tribunalClock(before))?.level === 1 ? true : undefined), 20_000, 'level 1');

    // A second API process with a new warning point, on the same worker and server.
    const config = testConfig({ POLICY_TRIBUNAL_WARNING_WEEKS: '18,20,22' });
    const api = await extraApi(stack, { policy: config.policy });
    try {
      const url = api.url;
      const headers = { authorization: `Bearer ${await stack.token('tribunal')}`, 'content-type': 'application/json' };
      const after = await stack.openCase();
      await stack.call('POST', `/cases/${after}/events`, { body: { type: 'decision.refused' } });
      const lodged = await fetch(`${url}/cases/${after}/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'appeal.lodged', lodgedOn: weeksAgo(17) }),
      });
      expect(lodged.status).toBe(200);
      // The new clock warns first at week 18, so at week 17 it has not escalated.
      const fresh = await tribunalClock(after);
      expect(fresh.warnings).toHaveLength(3);
      expect(fresh.level).toBe(0);
      expect(fresh.warnings[0]).toBe(ukMidnight(plusDays(fresh.startedAt, 18 * 7)));
      // The running clock keeps week 16, even after a change through the new policy's API.
      await fetch(`${url}/cases/${before}/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'tribunal.listed', hearingDate: daysAgo(-30) }),
      });
      const old = await tribunalClock(before);
      expect(old.warnings[0]).toBe(ukMidnight(plusDays(old.startedAt, 16 * 7)));
      expect(old.level).toBe(1);
    } finally {
      await api.close();
    }
  });
});

describe('warnings spread over the morning (POLICY_WARNING_SPREAD_MINUTES)', () => {
  it("puts each case's warnings at its own second after the time of day, through the API and the worker, the deadline unmoved", async () => {
    const config = testConfig({ POLICY_WARNING_SPREAD_MINUTES: '720' });
    const api = await extraApi(stack, { policy: config.policy });
    const lodge = async (caseId: string, lodgedOn: string) => {
      await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'decision.refused' } });
      const res = await fetch(`${api.url}/cases/${caseId}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await stack.token('tribunal')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'appeal.lodged', lodgedOn }),
      });
      expect(res.status).toBe(200);
    };
    // By London's wall clock from midnight (a clock-change day counts its hours as the clock does).
    const atOffset = (caseId: string, day: string) =>
      londonTimePlus(day, '00:00', warningOffsetMs(caseId, config.policy));
    try {
      // Past its 16th week (a week ago, whatever its second in the twelve hours): escalated once.
      const past = await stack.openCase();
      await lodge(past, weeksAgo(17));
      const escalated = await eventually(
        async () => ((await tribunalClock(past))?.level === 1 ? tribunalClock(past) : undefined),
        20_000,
        'level 1',
      );
      const unspread = await appealLodged(weeksAgo(17));
      const plain = await tribunalClock(unspread);
      expect(escalated.warnings).toEqual([16, 20, 22].map((w) => atOffset(past, plusDays(escalated.startedAt, w * 7))));
      expect(escalated.warnings[0]).not.toBe(ukMidnight(plusDays(escalated.startedAt, 16 * 7)));
      expect(escalated.lastDay).toBe(plain.lastDay); // a warning moves; the limit never does
      expect(
        await eventually(
          async () => ((await notified(past)).includes('clock.escalated') ? true : undefined),
          20_000,
          'notified',
        ),
      ).toBe(true);
      // Two cases lodged the same day fall at different seconds.
      const other = await stack.openCase();
      await lodge(other, weeksAgo(10));
      const second = await tribunalClock(other);
      expect(second.level).toBe(0);
      expect(second.warnings[0]).toBe(atOffset(other, plusDays(second.startedAt, 16 * 7)));
      expect(warningOffsetMs(other, config.policy)).not.toBe(warningOffsetMs(past, config.policy));
    } finally {
      await api.close();
    }
  });
});

describe('deadlines are last days in London', () => {
  const window = async (caseId: string) => (await stack.call('GET', `/cases/${caseId}`, { role: 'caseworker' })).body;

  it('an appeal window whose last day is today is open all day, and the appeal lodged on it is in time', async () => {
    const caseId = await stack.openCase();
    // 14 days after the refusal: today is the last day.
    const refused = await stack.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'decision.refused', decidedOn: daysAgo(14) },
    });
    expect(refused.status).toBe(200);
    const clock = refused.body.clocks.find((c: any) => c.name === 'appeal-window');
    expect(clock).toMatchObject({
      startedAt: daysAgo(14),
      lastDay: daysAgo(0),
      deadline: ukEndOfDay(daysAgo(0)),
      state: 'running',
    });
    // Nothing expires it before the day has ended in London.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await window(caseId)).stage).toBe('decision');
    const lodged = await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: { type: 'appeal.lodged', lodgedOn: daysAgo(0) },
    });
    expect(lodged.status).toBe(200);
  });

  it('an appeal window whose last day was yesterday has expired', async () => {
    const caseId = await stack.openCase();
    await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'decision.refused', decidedOn: daysAgo(15) } });
    const exited = await eventually(
      async () => {
        const c = await window(caseId);
        return c.stage === 'exit' ? c : undefined;
      },
      20_000,
      'window expiry',
    );
    expect(exited.status).toBe('appeal-rights-exhausted');
  });

  it('a 24-week clock on its last day is running; one a day older is breached', async () => {
    const onLastDay = await appealLodged(daysAgo(168));
    const dayAfter = await appealLodged(daysAgo(169));
    await eventually(
      async () => ((await tribunalClock(dayAfter))?.state === 'breached' ? true : undefined),
      20_000,
      'breach',
    );
    const last = await eventually(
      async () => {
        const c = await tribunalClock(onLastDay);
        return c?.level === 3 ? c : undefined;
      },
      20_000,
      'level 3',
    );
    expect(last).toMatchObject({ state: 'running', lastDay: daysAgo(0), deadline: ukEndOfDay(daysAgo(0)) });
    expect(await tribunalClock(dayAfter)).toMatchObject({
      state: 'breached',
      lastDay: daysAgo(1),
      deadline: ukEndOfDay(daysAgo(1)),
    });
    // Search shows the same last day and finds each by "last day before".
    const found = await eventually(
      async () => {
        const res = await stack.call('GET', `/cases?ref=${onLastDay}&deadlineBefore=${daysAgo(-1)}`, {
          role: 'supervisor',
        });
        return res.body.cases.length === 1 ? res.body.cases[0] : undefined;
      },
      15_000,
      'search by last day',
    );
    expect(found).toMatchObject({ lastDay: daysAgo(0), deadline: ukEndOfDay(daysAgo(0)) });
    expect(
      (await stack.call('GET', `/cases?ref=${onLastDay}&deadlineBefore=${daysAgo(0)}`, { role: 'supervisor' })).body
        .cases,
    ).toEqual([]);
    expect((await stack.call('GET', `/cases?deadlineBefore=2026-02-30`, { role: 'supervisor' })).status).toBe(400);
  });
});
