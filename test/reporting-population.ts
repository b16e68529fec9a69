/**
 * A synthetic caseload for the reporting read model: cases opened over the last two years, each
 * walked through the stages as its outbound messages (the ones the workflow sends the reporting
 * port) up to today, so the store holds what its own projection writes. Deterministic for a seed.
 *
 * The walk: claims wait longest (one to eighteen months), decisions days to weeks, appeals and
 * tribunal hearings weeks to months; some claims are granted outright, some refusals are
 * reconsidered (back to claim), some tribunal cases are remitted (back to appeal), and status
 * changes within a stage (screening, interview, adjournment) come as messages that leave the stay
 * as it is. What is open today is where each walk stopped.
 */
import { addDays, type CaseFigures, type Stage } from '../domain/index.js';
import type { ReportingStore } from '../reporting/index.js';

export type SeedMessage = Parameters<ReportingStore['apply']>[0];

/** mulberry32: a small seeded generator, so a run can be repeated exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Days a case stays in a stage (inclusive range), and where it goes next with what weight. */
interface Walk {
  days: [number, number];
  within: number;
  next: Array<[Stage, number]>;
}
const WALK: Record<Exclude<Stage, 'exit'>, Walk> = {
  claim: {
    days: [30, 540],
    within: 2,
    next: [
      ['decision', 0.75],
      ['exit', 0.25],
    ],
  },
  decision: {
    days: [3, 35],
    within: 0,
    next: [
      ['appeal', 0.7],
      ['exit', 0.2],
      ['claim', 0.1],
    ],
  },
  appeal: {
    days: [14, 200],
    within: 1,
    next: [
      ['tribunal', 0.85],
      ['exit', 0.15],
    ],
  },
  tribunal: {
    days: [21, 180],
    within: 2,
    next: [
      ['exit', 0.85],
      ['appeal', 0.15],
    ],
  },
};

const COHORT_OFF = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };

/** One case's messages, oldest first, and whether it is still open (not in exit) today. */
export function caseMessages(id: string, today: string, rnd: () => number): { messages: SeedMessage[]; open: boolean } {
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(rnd() * (hi - lo + 1));
  const cohort = { ...COHORT_OFF, supportedAccommodation: rnd() < 0.3, foreignNationalOffender: rnd() < 0.05 };
  const messages: SeedMessage[] = [];
  // What the summary counts of the case (domain/figures.ts), shaped as a case would have them: the
  // appeals it lodged, the 24-week clock of an appeal in the duty's group (deadline 168 days on,
  // warnings at 16, 20 and 22 weeks), an appeal pending while one is, a few absconded.
  const inDuty = cohort.supportedAccommodation || cohort.foreignNationalOffender;
  const absconded = rnd() < 0.02;
  let appeals = 0;
  let appealFrom: string | null = null;
  const clockOn = (day: string, stage: Stage): CaseFigures['clock'] => {
    if (!inDuty || !appealFrom) return null;
    const deadline = addDays(appealFrom, 168);
    const weeks = (Date.parse(day) - Date.parse(appealFrom)) / (7 * 86_400_000);
    if (stage === 'exit')
      return { status: day <= deadline ? 'in-time' : 'late', deadline: `${deadline}T23:00:00.000Z`, escalation: 0 };
    const escalation = weeks >= 24 ? 4 : weeks >= 22 ? 3 : weeks >= 20 ? 2 : weeks >= 16 ? 1 : 0;
    return { status: weeks >= 24 ? 'breached' : 'running', deadline: `${deadline}T23:00:00.000Z`, escalation };
  };
  const say = (day: string, stage: Stage, type: string) => {
    if (stage === 'appeal' && appealFrom === null) {
      appeals += 1;
      appealFrom = day;
    }
    const figures: CaseFigures = {
      status: (stage === 'exit'
        ? 'granted'
        : stage === 'claim'
          ? 'lodged'
          : stage === 'decision'
            ? 'refused'
            : 'lodged') as CaseFigures['status'],
      appeals,
      absconded,
      appealPending: stage === 'appeal' || stage === 'tribunal',
      appealEnded: null,
      clock: clockOn(day, stage),
      syncFailed: false,
    };
    messages.push({
      caseId: id,
      seq: messages.length + 1,
      at: `${day}T10:00:00.000Z`,
      event: { type } as SeedMessage['event'],
      after: { stage, status: figures.status, identifiers: {}, dates: {}, cohort } as unknown as SeedMessage['after'],
      figures,
    });
    // A case back at claim (a refusal reconsidered) starts any later appeal afresh.
    if (stage === 'claim') appealFrom = null;
  };
  // Opened on a day of the last two years, the recent ones more often (a growing caseload).
  let day = addDays(today, -Math.floor(730 * rnd() ** 1.3));
  let stage: Stage = 'claim';
  say(day, stage, 'case.opened');
  while (stage !== 'exit') {
    const walk: Walk = WALK[stage];
    const leaves = addDays(day, between(walk.days));
    // Changes within the stage, spread over the stay (those due by today).
    for (let k = 0; k < walk.within; k++) {
      const on = addDays(day, Math.floor(rnd() * (between(walk.days) + 1)));
      if (on < leaves && on <= today) say(on, stage, 'status.changed');
    }
    if (leaves > today) return { messages, open: true };
    let pick = rnd();
    stage = walk.next.find(([, w]) => (pick -= w) < 0)?.[0] ?? walk.next[0]![0];
    day = leaves;
    say(day, stage, 'stage.changed');
  }
  return { messages, open: false };
}

/**
 * Cases until `open` of them are open today (the exited ones come on top), in batches of about
 * `batch` messages: feed each to the store's `applyAll`.
 */
export function* population(
  open: number,
  today: string,
  { seed = 20, batch = 50_000 } = {},
): Generator<{ messages: SeedMessage[]; cases: number; open: number }> {
  const rnd = random(seed);
  let cases = 0;
  let opened = 0;
  let messages: SeedMessage[] = [];
  while (opened < open) {
    const c = caseMessages(`synthetic-${cases}`, today, rnd);
    cases++;
    if (c.open) opened++;
    messages.push(...c.messages);
    if (messages.length >= batch || opened === open) {
      yield { messages, cases, open: opened };
      messages = [];
    }
  }
}
