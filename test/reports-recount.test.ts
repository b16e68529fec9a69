/**
 * An independent recount of the summary over every path an appeal can take. Each case is seeded
 * through the API with back-dated dates and booked, by this test, into where the tribunal's process
 * leaves it: its stage, where its 24-week clock stands, whether an appeal is pending, and how its
 * appeal ended if it ended without a determination. The book is written from what the test did
 * (an appeal withdrawn is ended, not breached, whatever its clock showed; a reinstated appeal's
 * clock resumes where it stood), never read from the code's rules or the cases' views; the figures
 * are the book's own sums with calendar-day arithmetic. The summary must equal them exactly. The
 * stack has a namespace of its own, so the summary counts these cases and no others.
 */
import { describe, expect, it } from 'vitest';
import { useStackInOwnNamespace } from './harness.js';
import { eventually } from './systems.js';
import { londonToday, plusDays } from './dates.js';

const today = londonToday();
const ago = (days: number) => plusDays(today, -days);
const weeksAgo = (weeks: number) => ago(weeks * 7);
/** The duty's commencement, 40 weeks ago: an appeal lodged before it is outside the cohort. */
const COMMENCEMENT = weeksAgo(40);

const stack = useStackInOwnNamespace('recount', { POLICY_COMMENCEMENT_DATE: COMMENCEMENT });

const SUPPORTED = { supportedAccommodation: true, foreignNationalOffender: false, detained: false };
const OFFENDER = { supportedAccommodation: false, foreignNationalOffender: true, detained: false };
const DETAINED = { supportedAccommodation: true, foreignNationalOffender: true, detained: true };
const NEITHER = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };

type Stage = 'claim' | 'decision' | 'appeal' | 'tribunal' | 'exit';
/** Where a 24-week clock stands: open (running, breached, excepted), decided, or ended another way. */
type ClockIs = 'running' | 'breached' | 'exception' | 'exception-decided' | 'in-time' | 'late' | 'ended';
type Ending = 'withdrawn' | 'struck-out' | 'abandoned' | 'decision-withdrawn';

/** Where a case is left, as this test books it. */
interface Book {
  stage: Stage;
  /** The 24-week clock, for an appellant in the cohort: where it stands, and the day its appeal counts as lodged. */
  clock?: { is: ClockIs; lodgedOn: string };
  /** An appeal is pending in law: the window open after a refusal, or an appeal (or a late one) not finally decided. */
  pending: boolean;
  /** How the latest appeal ended without a determination, if it did. */
  ended?: Ending;
  appeals: number;
  /**
   * What the case awaits besides: further submissions the Home Office has yet to consider, or an
   * onward challenge (permission or the onward appeal undecided, or permission refused and renewable).
   */
  awaiting?: 'further-submissions' | 'onward';
}

/** What a path does to its case, through the API. */
interface Driver {
  caseworker(body: Record<string, unknown>): Promise<void>;
  tribunal(body: Record<string, unknown>): Promise<void>;
  /** Waits until the 24-week clock has recorded its breach (so the ending comes after it). */
  breached(): Promise<void>;
}

interface Path {
  name: string;
  /** How many cases take it: counts differ from path to path, so a figure read from the wrong one shows. */
  copies: number;
  cohort?: typeof SUPPORTED;
  run(d: Driver): Promise<void>;
  book: Book;
}

const refused = (decidedOn?: string) => ({ type: 'decision.refused', ...(decidedOn ? { decidedOn } : {}) });
const lodged = (lodgedOn: string) => ({ type: 'appeal.lodged', lodgedOn });
const listed = (hearingDate: string) => ({ type: 'tribunal.listed', hearingDate });
const determined = (outcome: 'allowed' | 'dismissed', determinedOn: string, onThePapers?: boolean) => ({
  type: 'tribunal.determined',
  outcome,
  determinedOn,
  ...(onThePapers ? { onThePapers } : {}),
});
const reason = 'recount';
const exception = { type: 'clock.exception', clock: 'tribunal-24-weeks', reason: 'no interpreter' };
const withdrawn = { type: 'appeal.withdrawn', reason };
const struckOut = { type: 'appeal.struck-out', reason };
const reinstated = { type: 'appeal.reinstated', reason };
const leaveGranted = { type: 'exit.leave-granted' };
const certified = { type: 'decision.certified' };
const furtherSubmissions = { type: 'further-submissions.lodged' };
const onwardLodged = (to?: string) => ({ type: 'onward-appeal.lodged', ...(to ? { to } : {}) });
const onwardDecided = (outcome: string, by: string) => ({ type: 'onward-appeal.decided', outcome, by });
const departed = { type: 'exit.departed' };

/** An appeal lodged `weeks` ago (plus three days, so no threshold falls within a day of today), after a refusal today. */
const appealed = (weeks: number) => ago(weeks * 7 + 3);
const appeal = async (d: Driver, on: string) => {
  await d.caseworker(refused());
  await d.tribunal(lodged(on));
};

const PATHS: Path[] = [
  {
    name: 'a claim not yet decided',
    copies: 1,
    run: async () => {},
    book: { stage: 'claim', pending: false, appeals: 0 },
  },
  {
    name: 'refused, the appeal window open',
    copies: 2,
    run: (d) => d.caseworker(refused()),
    book: { stage: 'decision', pending: true, appeals: 0 },
  },
  {
    name: 'decided in time: allowed 30 days ago (met)',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(20));
      await d.tribunal(listed(ago(30)));
      await d.tribunal(determined('allowed', ago(30)));
    },
    book: { stage: 'tribunal', clock: { is: 'in-time', lodgedOn: appealed(20) }, pending: false, appeals: 1 },
  },
  {
    name: 'decided in time: dismissed 3 days ago, the onward window open',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(15));
      await d.tribunal(listed(ago(3)));
      await d.tribunal(determined('dismissed', ago(3)));
    },
    book: { stage: 'tribunal', clock: { is: 'in-time', lodgedOn: appealed(15) }, pending: true, appeals: 1 },
  },
  {
    name: 'determined on the papers in time, 40 days ago',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(12));
      await d.tribunal(determined('allowed', ago(40), true));
    },
    book: { stage: 'tribunal', clock: { is: 'in-time', lodgedOn: appealed(12) }, pending: false, appeals: 1 },
  },
  {
    name: 'decided late: allowed 20 days ago',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(30));
      await d.tribunal(listed(ago(20)));
      await d.tribunal(determined('allowed', ago(20)));
    },
    book: { stage: 'tribunal', clock: { is: 'late', lodgedOn: appealed(30) }, pending: false, appeals: 1 },
  },
  {
    name: 'decided late: dismissed 40 days ago, appeal rights since exhausted',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(32));
      await d.tribunal(listed(ago(40)));
      await d.tribunal(determined('dismissed', ago(40)));
    },
    book: { stage: 'exit', clock: { is: 'late', lodgedOn: appealed(32) }, pending: false, appeals: 1 },
  },
  {
    name: 'breached and still open',
    copies: 3,
    run: (d) => appeal(d, appealed(25)),
    book: { stage: 'appeal', clock: { is: 'breached', lodgedOn: appealed(25) }, pending: true, appeals: 1 },
  },
  {
    name: 'breached and still open: a foreign national offender not detained',
    copies: 1,
    cohort: OFFENDER,
    run: (d) => appeal(d, appealed(26)),
    book: { stage: 'appeal', clock: { is: 'breached', lodgedOn: appealed(26) }, pending: true, appeals: 1 },
  },
  {
    name: 'reserved after the hearing, due within 4 weeks',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(22));
      await d.tribunal(listed(ago(1)));
      await d.tribunal({ type: 'tribunal.reserved', heardOn: ago(1) });
    },
    book: { stage: 'tribunal', clock: { is: 'running', lodgedOn: appealed(22) }, pending: true, appeals: 1 },
  },
  {
    name: 'adjourned without a new date',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(18));
      await d.tribunal(listed(plusDays(today, 10)));
      await d.tribunal({ type: 'tribunal.adjourned', reason });
    },
    book: { stage: 'tribunal', clock: { is: 'running', lodgedOn: appealed(18) }, pending: true, appeals: 1 },
  },
  {
    name: 'listed, early in its 24 weeks',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(10));
      await d.tribunal(listed(plusDays(today, 30)));
    },
    book: { stage: 'tribunal', clock: { is: 'running', lodgedOn: appealed(10) }, pending: true, appeals: 1 },
  },
  {
    name: 'an exception recorded, still open',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(23));
      await d.tribunal(exception);
    },
    book: { stage: 'appeal', clock: { is: 'exception', lodgedOn: appealed(23) }, pending: true, appeals: 1 },
  },
  {
    name: 'an exception recorded, then allowed 40 days ago',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(30));
      await d.tribunal(exception);
      await d.tribunal(listed(ago(40)));
      await d.tribunal(determined('allowed', ago(40)));
    },
    book: { stage: 'tribunal', clock: { is: 'exception-decided', lodgedOn: appealed(30) }, pending: false, appeals: 1 },
  },
  {
    name: 'withdrawn while running',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(10));
      await d.tribunal(withdrawn);
    },
    book: {
      stage: 'exit',
      clock: { is: 'ended', lodgedOn: appealed(10) },
      pending: false,
      ended: 'withdrawn',
      appeals: 1,
    },
  },
  {
    name: 'withdrawn after its clock breached',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(26));
      await d.breached();
      await d.tribunal(withdrawn);
    },
    book: {
      stage: 'exit',
      clock: { is: 'ended', lodgedOn: appealed(26) },
      pending: false,
      ended: 'withdrawn',
      appeals: 1,
    },
  },
  {
    name: 'withdrawn after an exception',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(23));
      await d.tribunal(exception);
      await d.tribunal(withdrawn);
    },
    book: {
      stage: 'exit',
      clock: { is: 'ended', lodgedOn: appealed(23) },
      pending: false,
      ended: 'withdrawn',
      appeals: 1,
    },
  },
  {
    name: 'withdrawn, then the appellant departed (nothing left to abandon)',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(10));
      await d.tribunal(withdrawn);
      await d.caseworker(departed);
    },
    book: {
      stage: 'exit',
      clock: { is: 'ended', lodgedOn: appealed(10) },
      pending: false,
      ended: 'withdrawn',
      appeals: 1,
    },
  },
  {
    name: 'withdrawn from a listed hearing, detained (outside the cohort)',
    copies: 1,
    cohort: DETAINED,
    run: async (d) => {
      await appeal(d, appealed(10));
      await d.tribunal(listed(plusDays(today, 5)));
      await d.tribunal(withdrawn);
    },
    book: { stage: 'exit', pending: false, ended: 'withdrawn', appeals: 1 },
  },
  {
    name: 'struck out',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(12));
      await d.tribunal(listed(plusDays(today, 20)));
      await d.tribunal(struckOut);
    },
    book: {
      stage: 'tribunal',
      clock: { is: 'ended', lodgedOn: appealed(12) },
      pending: false,
      ended: 'struck-out',
      appeals: 1,
    },
  },
  {
    name: 'struck out after its clock breached',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(25));
      await d.breached();
      await d.tribunal(struckOut);
    },
    book: {
      stage: 'tribunal',
      clock: { is: 'ended', lodgedOn: appealed(25) },
      pending: false,
      ended: 'struck-out',
      appeals: 1,
    },
  },
  {
    name: 'struck out, then reinstated: the clock resumes',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(12));
      await d.tribunal(struckOut);
      await d.tribunal(reinstated);
    },
    book: { stage: 'appeal', clock: { is: 'running', lodgedOn: appealed(12) }, pending: true, appeals: 1 },
  },
  {
    name: 'breached, struck out, then reinstated: breached again',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(25));
      await d.breached();
      await d.tribunal(struckOut);
      await d.tribunal(reinstated);
    },
    book: { stage: 'appeal', clock: { is: 'breached', lodgedOn: appealed(25) }, pending: true, appeals: 1 },
  },
  {
    name: 'abandoned: leave granted while the appeal was pending',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(10));
      await d.caseworker(leaveGranted);
    },
    book: {
      stage: 'exit',
      clock: { is: 'ended', lodgedOn: appealed(10) },
      pending: false,
      ended: 'abandoned',
      appeals: 1,
    },
  },
  {
    name: 'abandoned: departed while running',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(8));
      await d.caseworker(departed);
    },
    book: {
      stage: 'exit',
      clock: { is: 'ended', lodgedOn: appealed(8) },
      pending: false,
      ended: 'abandoned',
      appeals: 1,
    },
  },
  {
    name: 'abandoned: departed while listed, after its clock breached',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(27));
      await d.breached();
      await d.tribunal(listed(plusDays(today, 7)));
      await d.caseworker(departed);
    },
    book: {
      stage: 'exit',
      clock: { is: 'ended', lodgedOn: appealed(27) },
      pending: false,
      ended: 'abandoned',
      appeals: 1,
    },
  },
  {
    name: 'leave granted after the appeal was allowed (nothing abandoned)',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(20));
      await d.tribunal(listed(ago(30)));
      await d.tribunal(determined('allowed', ago(30)));
      await d.caseworker(leaveGranted);
    },
    book: { stage: 'exit', clock: { is: 'in-time', lodgedOn: appealed(20) }, pending: false, appeals: 1 },
  },
  {
    name: 'the decision withdrawn: the claim is decided again',
    copies: 3,
    run: async (d) => {
      await appeal(d, appealed(10));
      await d.caseworker({ type: 'appeal.decision-withdrawn', reason });
    },
    book: {
      stage: 'claim',
      clock: { is: 'ended', lodgedOn: appealed(10) },
      pending: false,
      ended: 'decision-withdrawn',
      appeals: 1,
    },
  },
  {
    name: 'the decision withdrawn, refused again and appealed again today',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(10));
      await d.caseworker({ type: 'appeal.decision-withdrawn', reason });
      await appeal(d, today);
    },
    book: { stage: 'appeal', clock: { is: 'running', lodgedOn: today }, pending: true, appeals: 2 },
  },
  {
    name: 'a late appeal awaiting the decision on extending time',
    copies: 1,
    run: async (d) => {
      await d.caseworker(refused(ago(60)));
      await d.tribunal(lodged(ago(10)));
    },
    book: { stage: 'appeal', pending: true, appeals: 1 },
  },
  {
    name: 'a late appeal, time extended today: it runs as if lodged today',
    copies: 2,
    run: async (d) => {
      await d.caseworker(refused(ago(60)));
      await d.tribunal(lodged(ago(10)));
      await d.tribunal({ type: 'appeal.extension-decided', granted: true, reason });
    },
    book: { stage: 'appeal', clock: { is: 'running', lodgedOn: today }, pending: true, appeals: 1 },
  },
  {
    name: 'a late appeal, extension refused',
    copies: 1,
    run: async (d) => {
      await d.caseworker(refused(ago(60)));
      await d.tribunal(lodged(ago(10)));
      await d.tribunal({ type: 'appeal.extension-decided', granted: false, reason });
    },
    book: { stage: 'exit', pending: false, appeals: 1 },
  },
  {
    name: 'a late appeal abandoned by departure before time was extended',
    copies: 1,
    run: async (d) => {
      await d.caseworker(refused(ago(60)));
      await d.tribunal(lodged(ago(10)));
      await d.caseworker(departed);
    },
    book: { stage: 'exit', pending: false, ended: 'abandoned', appeals: 1 },
  },
  {
    name: 'certified, further submissions awaiting consideration',
    copies: 2,
    run: async (d) => {
      await d.caseworker(certified);
      await d.caseworker(furtherSubmissions);
    },
    book: { stage: 'exit', pending: false, appeals: 0, awaiting: 'further-submissions' },
  },
  {
    name: 'certified, further submissions refused as a fresh claim: a new appeal window open',
    copies: 1,
    run: async (d) => {
      await d.caseworker(certified);
      await d.caseworker(furtherSubmissions);
      await d.caseworker({ type: 'further-submissions.decided', outcome: 'fresh-claim-refused' });
    },
    book: { stage: 'decision', pending: true, appeals: 0 },
  },
  {
    name: 'dismissed in time 3 days ago, permission refused by the First-tier, renewable to the Upper Tribunal',
    copies: 1,
    run: async (d) => {
      await appeal(d, appealed(15));
      await d.tribunal(listed(ago(3)));
      await d.tribunal(determined('dismissed', ago(3)));
      await d.tribunal(onwardLodged());
      await d.tribunal(onwardDecided('refused', 'first-tier'));
    },
    book: {
      stage: 'tribunal',
      clock: { is: 'in-time', lodgedOn: appealed(15) },
      pending: true,
      appeals: 1,
      awaiting: 'onward',
    },
  },
  {
    name: 'dismissed in time 4 days ago, permission refused, renewed and granted by the Upper Tribunal: the appeal awaits it',
    copies: 2,
    run: async (d) => {
      await appeal(d, appealed(16));
      await d.tribunal(listed(ago(4)));
      await d.tribunal(determined('dismissed', ago(4)));
      await d.tribunal(onwardLodged());
      await d.tribunal(onwardDecided('refused', 'first-tier'));
      await d.tribunal(onwardLodged('upper-tribunal'));
      await d.tribunal(onwardDecided('granted', 'upper-tribunal'));
    },
    book: {
      stage: 'tribunal',
      clock: { is: 'in-time', lodgedOn: appealed(16) },
      pending: true,
      appeals: 1,
      awaiting: 'onward',
    },
  },
  {
    name: 'outside the cohort: detained',
    copies: 1,
    cohort: DETAINED,
    run: (d) => appeal(d, appealed(25)),
    book: { stage: 'appeal', pending: true, appeals: 1 },
  },
  {
    name: 'outside the cohort: neither supported nor an offender',
    copies: 1,
    cohort: NEITHER,
    run: (d) => appeal(d, appealed(25)),
    book: { stage: 'appeal', pending: true, appeals: 1 },
  },
  {
    name: 'outside the cohort: lodged before commencement',
    copies: 1,
    run: (d) => appeal(d, appealed(42)),
    book: { stage: 'appeal', pending: true, appeals: 1 },
  },
];

/** The 24 weeks run from the day after lodging, that day the first of 168: the last day is 168 days after lodging. */
const lastDayOf = (lodgedOn: string) => plusDays(lodgedOn, 168);
/** The first warning falls at week 16 from the day the clock runs from. */
const firstWarningOn = (lodgedOn: string) => plusDays(lodgedOn, 1 + 16 * 7);

/** What the summary must say: the book's sums. */
function recount(paths: Path[]) {
  const backlogByStage = { claim: 0, decision: 0, appeal: 0, tribunal: 0, exit: 0 };
  const appealsEnded = { withdrawn: 0, 'struck-out': 0, abandoned: 0, 'decision-withdrawn': 0 };
  const t = { open: 0, dueWithin4Weeks: 0, breached: 0, exceptions: 0, decidedInTime: 0, decidedLate: 0, ended: 0 };
  let openCases = 0;
  let repeatAppeals = 0;
  let openEscalations = 0;
  let appealsPending = 0;
  let furtherSubmissionsPending = 0;
  let onwardPending = 0;
  const in4Weeks = plusDays(today, 28);
  for (const { book, copies, name } of paths) {
    for (let i = 0; i < copies; i++) {
      openCases += 1;
      backlogByStage[book.stage] += 1;
      if (book.pending) appealsPending += 1;
      if (book.awaiting === 'further-submissions') furtherSubmissionsPending += 1;
      if (book.awaiting === 'onward') {
        // An onward challenge under way is an appeal pending: the book must say so too.
        expect(book.pending, `${name}: pending`).toBe(true);
        onwardPending += 1;
      }
      if (book.ended) appealsEnded[book.ended] += 1;
      if (book.appeals >= 2) repeatAppeals += 1;
      if (!book.clock) continue;
      const lastDay = lastDayOf(book.clock.lodgedOn);
      switch (book.clock.is) {
        case 'running':
          // The book itself is checked against the calendar: a running clock has not passed its last day.
          expect(lastDay >= today, `${name}: running`).toBe(true);
          t.open += 1;
          if (lastDay < in4Weeks) t.dueWithin4Weeks += 1;
          if (today >= firstWarningOn(book.clock.lodgedOn)) openEscalations += 1;
          break;
        case 'breached':
          expect(lastDay < today, `${name}: breached`).toBe(true);
          t.open += 1;
          t.breached += 1;
          openEscalations += 1;
          break;
        case 'exception':
          t.open += 1;
          t.exceptions += 1;
          break;
        case 'exception-decided':
          t.exceptions += 1;
          break;
        case 'in-time':
          t.decidedInTime += 1;
          break;
        case 'late':
          t.decidedLate += 1;
          break;
        case 'ended':
          // Withdrawn, struck out, abandoned or the decision withdrawn: nothing left to determine, never a breach.
          t.ended += 1;
          break;
      }
    }
  }
  const decided = t.decidedInTime + t.decidedLate;
  return {
    backlogByStage,
    openCases,
    syncFailures: 0,
    absconders: 0,
    repeatAppeals,
    openEscalations,
    appealsPending,
    furtherSubmissionsPending,
    onwardPending,
    appealsEnded,
    twentyFourWeeks: { ...t, complianceRate: decided > 0 ? t.decidedInTime / decided : null },
  };
}

async function seed(path: Path): Promise<string> {
  const caseId = await stack.openCase({ cohort: path.cohort ?? SUPPORTED });
  const send = (role: 'caseworker' | 'tribunal') => async (body: Record<string, unknown>) => {
    const res = await stack.call('POST', `/cases/${caseId}/events`, { role, body });
    if (res.status !== 200)
      throw new Error(`${path.name}: ${String(body.type)} answered ${res.status} ${JSON.stringify(res.body)}`);
  };
  await path.run({
    caseworker: send('caseworker'),
    tribunal: send('tribunal'),
    breached: async () => {
      await eventually(
        async () => {
          const { body } = await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' });
          return body.clocks?.some((c: any) => c.name === 'tribunal-24-weeks' && c.state === 'breached')
            ? true
            : undefined;
        },
        30_000,
        `${path.name}: the breach`,
      );
    },
  });
  return caseId;
}

describe('the summary recounted over every path an appeal can take', () => {
  it('equals, figure for figure, the sums of what this test did', { timeout: 300_000 }, async () => {
    const want = recount(PATHS);
    // Every figure of the 24 weeks and every ending is represented, and ended ones are not few.
    for (const [k, v] of Object.entries(want.twentyFourWeeks))
      if (k !== 'complianceRate') expect(v, k).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(want.appealsEnded)) expect(v, k).toBeGreaterThan(0);
    // Each new figure is represented, with a count no other figure has by chance.
    expect([want.furtherSubmissionsPending, want.onwardPending]).toEqual([2, 3]);

    const queue = PATHS.flatMap((p) => Array.from({ length: p.copies }, () => p));
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) await seed(p);
      }),
    );

    let last: unknown;
    await eventually(
      async () => {
        const { status, body } = await stack.call('GET', '/reports/summary', { role: 'supervisor' });
        expect(status).toBe(200);
        const { generatedAt: _ignored, ...figures } = body;
        last = figures;
        expect(figures).toEqual(want);
        return true;
      },
      90_000,
      'the summary to settle',
    ).catch(() => undefined);
    expect(last).toEqual(want);

    // The same cases are found by the filters the overview links to.
    const found = async (query: string) =>
      (await stack.call('GET', `/cases?${query}&pageSize=200`, { role: 'supervisor' })).body.cases.length;
    expect(await found('clock=ended')).toBe(want.twentyFourWeeks.ended);
    expect(await found('appealPending=true')).toBe(want.appealsPending);
    for (const [how, n] of Object.entries(want.appealsEnded)) expect(await found(`appealEnded=${how}`), how).toBe(n);
    expect(await found('status=further-submissions-pending')).toBe(want.furtherSubmissionsPending);
    expect(await found('status=onward-appeal-pending,permission-refused')).toBe(want.onwardPending);
    expect(await found('stage=tribunal&status=permission-refused')).toBe(1);
    expect(await found('stage=exit&status=further-submissions-pending&appealPending=false')).toBe(2);

    // The overview shows each new figure, linked to the page of the cases behind it, which lists them.
    const cookie = { cookie: `case_tracker_token=${await stack.token('supervisor')}` };
    const page = await fetch(`${stack.baseUrl}/app`, { headers: cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const [figure, n] of [
      ['furtherSubmissionsPending', want.furtherSubmissionsPending],
      ['onwardPending', want.onwardPending],
    ] as const) {
      const href = `/app/reports/cases?report=summary&figure=${figure}`;
      expect(html).toContain(`<a class="govuk-link" href="${href.replaceAll('&', '&amp;')}">${n}</a>`);
      const listed = await fetch(`${stack.baseUrl}${href}`, { headers: cookie });
      expect(listed.status).toBe(200);
      expect((await listed.text()).match(/href="\/app\/cases\/AC-/g), figure).toHaveLength(n);
    }
  });
});
