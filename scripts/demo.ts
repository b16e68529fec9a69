/**
 * `npm run demo` (with `npm start` running in another terminal): the end-to-end record, told as a
 * story. A caseworker opens a claim; the Home Office serves a refusal in its own system; HMCTS
 * registers and lists the appeal in its own system. Nobody types those into the tracker: the
 * systems tell it by signed webhook, the tracker passes each one's news to the other, and the
 * case's timeline shows who did what. Then a supervisor runs reconciliation. Last, a late appeal is
 * found: a refusal whose window closed unused, an appeal HMCTS registers after it, the case reopened
 * with an appeal pending, and the tribunal extending time.
 */
import { fileURLToPath } from 'node:url';
import { signDevToken } from '../api/auth.js';
import { configOrExit } from '../config/index.js';
import { addDays, homeOfficeRef as formatHomeOfficeRef, londonDate, type Role } from '../domain/index.js';
import { homeOfficeMessageType } from '../integrations/home-office.js';

export interface DemoTargets {
  apiUrl: string;
  homeOfficeUrl: string;
  hmctsUrl: string;
  auth: { jwtSecret: string; issuer: string; audience: string };
  say?: (line: string) => void;
}

export interface DemoOutcome {
  caseId: string;
  stage: string;
  status: string;
  timeline: Array<{ type: string; actor: { id: string; role: string } }>;
  atHomeOffice: string[];
  /** The late appeal's story: where the case reopened, and where the tribunal's extension left it. */
  lateAppeal: {
    caseId: string;
    reopenedAs: string;
    appealPending: boolean;
    appealPendingReason?: string;
    stage: string;
    status: string;
    timeline: Array<{ type: string; actor: { id: string; role: string } }>;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDemo({
  apiUrl,
  homeOfficeUrl,
  hmctsUrl,
  auth,
  say = console.log,
}: DemoTargets): Promise<DemoOutcome> {
  const tokens = new Map<Role, string>();
  async function api(role: Role, method: string, path: string, body?: unknown) {
    if (!tokens.has(role)) tokens.set(role, await signDevToken({ role, sub: `demo-${role}` }, auth));
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.get(role)}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each step reads the fields it names from the API's JSON
    const answer = (await res.json()) as any;
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
    return answer;
  }
  /** Something happens in a system's own world; it tells the tracker by signed webhook. */
  async function happensAt(systemUrl: string, event: Record<string, unknown>) {
    const res = await fetch(`${systemUrl}/admin/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    const answer = (await res.json()) as { status?: number; answer?: { status: string; reason?: string } };
    if (answer.answer?.status !== 'applied') throw new Error(`the tracker answered ${JSON.stringify(answer)}`);
  }
  async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 150; i++) {
      const value = await check();
      if (value !== undefined) return value;
      await sleep(200);
    }
    throw new Error(`gave up waiting for ${what}`);
  }

  /** A London date n days from today: the tribunal's days are London days. */
  const daysFromNow = (n: number) => addDays(londonDate(Date.now()), n);
  /** A caseworker opens a claim; answers once search finds it (webhooks find cases by their references). */
  async function openClaim(name: string) {
    const ref = formatHomeOfficeRef('D', Math.floor(Math.random() * 10_000_000));
    const opened = await api('caseworker', 'POST', '/cases', {
      homeOfficeRef: ref,
      person: { name, dateOfBirth: '1994-06-12', nationality: 'SDN' },
      claimDate: daysFromNow(-200),
      cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
    });
    await until('the case to be searchable', async () =>
      (await api('supervisor', 'GET', `/cases?ref=${ref}`)).cases.length === 1 ? true : undefined,
    );
    return { caseId: opened.caseId as string, ref };
  }

  const { caseId, ref } = await openClaim('Demo Person');
  say(`1. A caseworker opened case ${caseId} for Home Office reference ${ref}.`);

  await happensAt(homeOfficeUrl, { type: 'decision.refused', references: { homeOfficeRef: ref } });
  say('2. The Home Office served a refusal in its own system; it told the tracker by signed webhook.');

  await happensAt(hmctsUrl, { type: 'appeal.lodged', references: { homeOfficeRef: ref } });
  const appealed = await api('supervisor', 'GET', `/cases/${caseId}`);
  say(
    `3. HMCTS registered the appeal${appealed.identifiers.hmctsRef ? ` as ${appealed.identifiers.hmctsRef}` : ''}; the case is now ${appealed.stage}:${appealed.status}.`,
  );

  const hearingDate = daysFromNow(42);
  await happensAt(hmctsUrl, { type: 'tribunal.listed', hearingDate, references: { homeOfficeRef: ref } });
  say(`4. HMCTS listed the hearing for ${hearingDate}.`);

  const atHomeOffice = await until('the Home Office to hear of the appeal', async () => {
    const res = await fetch(`${homeOfficeUrl}/cases/${caseId}`);
    const view = res.ok ? ((await res.json()) as { messages: Array<{ type: string }> }) : undefined;
    const types = view?.messages.map((m) => m.type) ?? [];
    // Its own message type for the listing (HEARING), or ours when it is spoken to in our envelope.
    return types.some((t) => t === homeOfficeMessageType('tribunal.listed') || t === 'tribunal.listed')
      ? types
      : undefined;
  });
  say(
    `5. The Home Office system now holds: ${atHomeOffice.join(', ')} (the appeal reached it from the tracker, not from a person).`,
  );

  const { entries } = await api('auditor', 'GET', `/cases/${caseId}/timeline`);
  say('6. The timeline, read from the workflow history:');
  for (const e of entries as Array<{
    seq: number;
    at: string;
    type: string;
    actor: { id: string; role: string };
    from: string;
    to: string;
  }>)
    say(`     #${e.seq} ${e.at}  ${e.type.padEnd(20)} by ${e.actor.id} (${e.actor.role})  ${e.from} → ${e.to}`);

  const asked = await api('supervisor', 'POST', '/reconciliations');
  const run = await until('a reconciliation run', async () => {
    const report = await api('supervisor', 'GET', '/reports/reconciliation');
    return (
      report.runs as Array<{
        status: string;
        report?: { startedAt: string; cases: number; casesWithDrift: number; resent: number };
      }>
    ).find((r) => r.status === 'completed' && r.report && r.report.startedAt >= asked.requestedAt)?.report;
  });
  say(
    `7. A supervisor ran reconciliation: ${run.cases} open case(s) checked against both systems, ${run.casesWithDrift} with drift, ${run.resent} change(s) re-sent.`,
  );
  say(`   Open ${apiUrl}/cases/${caseId}/record?format=html with a supervisor token for the printable record.`);
  const final = await api('supervisor', 'GET', `/cases/${caseId}`);

  // A late appeal is found: the window closed unused weeks ago, and then HMCTS registers an appeal.
  const late = await openClaim('Late Appellant');
  const refusedOn = daysFromNow(-40);
  await happensAt(homeOfficeUrl, {
    type: 'decision.refused',
    decidedOn: refusedOn,
    references: { homeOfficeRef: late.ref },
  });
  const exhausted = await until('the appeal window to close', async () => {
    const c = await api('supervisor', 'GET', `/cases/${late.caseId}`);
    return c.status === 'appeal-rights-exhausted' ? c : undefined;
  });
  say(
    `8. A second case, ${late.caseId}: the Home Office served a refusal dated ${refusedOn} (back-dated for the demo). Its appeal window closed unused on ${exhausted.dates.appealWindowLastDay}, and the case recorded appeal rights exhausted by itself.`,
  );
  await happensAt(hmctsUrl, {
    type: 'appeal.lodged',
    outOfTime: true,
    lodgedOn: daysFromNow(0),
    references: { homeOfficeRef: late.ref },
  });
  const reopened = await api('supervisor', 'GET', `/cases/${late.caseId}`);
  say(
    `9. HMCTS registered a late appeal and told the tracker: the case reopened as ${reopened.stage}:${reopened.status}. Appeal pending: ${reopened.appealPending ? 'yes' : 'no'}${reopened.appealPendingReason ? ` — ${reopened.appealPendingReason}` : ''}, so no removal.`,
  );
  const extended = await api('tribunal', 'POST', `/cases/${late.caseId}/events`, {
    type: 'appeal.extension-decided',
    granted: true,
    reason: 'The appellant was in hospital when the window ran; the delay is explained.',
  });
  const clock = (extended.clocks as Array<{ name: string; lastDay: string }>).find(
    (c) => c.name === 'tribunal-24-weeks',
  );
  say(
    `10. The tribunal extended time: the appeal proceeds as ${extended.stage}:${extended.status}${clock ? `, its 24 weeks running to ${clock.lastDay}` : ''}.`,
  );
  const lateTimeline = await api('auditor', 'GET', `/cases/${late.caseId}/timeline`);

  return {
    caseId,
    stage: final.stage,
    status: final.status,
    timeline: entries,
    atHomeOffice,
    lateAppeal: {
      caseId: late.caseId,
      reopenedAs: `${reopened.stage}:${reopened.status}`,
      appealPending: reopened.appealPending,
      appealPendingReason: reopened.appealPendingReason,
      stage: extended.stage,
      status: extended.status,
      timeline: lateTimeline.entries,
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const config = configOrExit();
  const apiUrl = `http://127.0.0.1:${config.port}`;
  const up = await fetch(`${apiUrl}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) {
    console.error(
      `No tracker answering at ${apiUrl}. Start it first with \`npm start\` (in another terminal), then run \`npm run demo\`.`,
    );
    process.exit(1);
  }
  try {
    await runDemo({
      apiUrl,
      homeOfficeUrl: config.systems.homeOffice,
      hmctsUrl: config.systems.courts,
      auth: config.auth,
    });
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`);
    process.exit(1);
  }
}
