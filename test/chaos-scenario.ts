/**
 * The reliability suite: a steady load of stage changes (and inbound webhooks) while parts of the
 * system are killed, cut and slowed; then an auditor checks every acknowledged change against
 * each case's history and each external system's store. `npm run chaos` (bench/chaos.ts) runs the
 * long version; test/chaos.test.ts runs a short one in `npm test` and fails on any loss, duplicate
 * or reorder. Either runs it on a stack of its own (test/stack.ts).
 */
import fc from 'fast-check';
import { caseStateQuery, caseWorkflowId } from '../workflows/messages.js';
import { newCaseBody } from './case-body.js';
import { requestFor, sendFuzzed } from './fuzz-corpus.js';
import { LIFECYCLE, type LifecycleRole as Role } from './lifecycle-changes.js';
import type { ProcessStack } from './stack.js';

export interface Fault {
  at: number; // ms after the load starts
  name: string;
  run(stack: ProcessStack): Promise<void>;
}

const faults = (stack: ProcessStack) => ({
  put: (url: string, body: unknown) =>
    fetch(`${url}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  stack,
});

/**
 * The fault plan, scaled to the run's length (`span` ms). On the cluster one of the two workers
 * stays down for a tenth of the run, so the other must carry the load alone meanwhile.
 */
export function faultPlan(span: number, topology: ProcessStack['topology'] = 'dev'): Fault[] {
  const at = (share: number) => Math.round(span * share);
  const workerDown = topology === 'cluster' ? at(0.1) : 2_000;
  return [
    {
      at: at(0.08),
      name:
        topology === 'cluster'
          ? `SIGKILL worker 1 of 2, restart it ${Math.round(workerDown / 1000)} s later`
          : 'SIGKILL the worker, restart it 2 s later',
      run: (s) => s.restart('worker', 'kill', workerDown),
    },
    {
      at: at(0.2),
      name: 'Home Office down',
      run: async (s) => void (await faults(s).put(s.systems.homeOffice, { down: true })),
    },
    { at: at(0.32), name: 'Home Office back', run: async (s) => void (await faults(s).put(s.systems.homeOffice, {})) },
    { at: at(0.36), name: 'SIGKILL the API mid-request, restart it', run: (s) => s.restart('api', 'kill', 500) },
    {
      at: at(0.45),
      name: 'HMCTS slow (1.5 s a call) and flaky (30% errors)',
      run: async (s) => void (await faults(s).put(s.systems.courts, { latencyMs: 1_500, errorRate: 0.3 })),
    },
    {
      at: at(0.55),
      name: 'Temporal server stopped, restarted on its database 3 s later',
      run: (s) => s.restart('server', 'stop', 3_000),
    },
    { at: at(0.7), name: 'HMCTS down', run: async (s) => void (await faults(s).put(s.systems.courts, { down: true })) },
    { at: at(0.82), name: 'HMCTS back, healthy', run: async (s) => void (await faults(s).put(s.systems.courts, {})) },
  ];
}

export interface Audit {
  accepted: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  clientMistakesAnswered5xx: number;
  retriesAfter5xxOrDrop: number;
  /**
   * The API fuzz corpus, sent all through the run at a case of its own: answers 5xx other than 503
   * (Temporal unreachable: only it can tell an unknown case) count as client mistakes answered 5xx
   * above; `acceptedAsChange` and `targetChanged` must stay 0 and false.
   */
  fuzz: { sent: number; unavailable: number; acceptedAsChange: number; targetChanged: boolean };
  faults: string[];
  /** The cases the load moved, for checks of their own (the test replays their histories). */
  caseIds: string[];
  /** Changes acknowledged to clients while each fault was being applied (the worker fault: while it was down). */
  acceptedDuringFault: Record<string, number>;
  /** When the last fault was applied and when the load stopped (ms after it started). */
  lastFaultAt: number;
  loadEndedAt: number;
  problems: string[];
}

/** Drives `cases` cases through their lifecycle, `concurrency` at a time, for about `durationMs`. */
export async function runChaos(
  stack: ProcessStack,
  {
    durationMs,
    cases,
    concurrency,
    log = console.error,
  }: { durationMs: number; cases: number; concurrency: number; log?: (line: string) => void },
): Promise<Audit> {
  const tokens = { caseworker: await stack.token('caseworker'), tribunal: await stack.token('tribunal') };
  const acknowledged = new Map<string, number>(); // caseId → highest version the API confirmed
  let retries = 0;
  let acks = 0;
  // Which client mistakes got a 5xx, so a failing run says what to look at.
  const mistakes: string[] = [];
  const mistake = (what: string) => mistakes.push(`client mistake answered 5xx: ${what}`);
  const started = Date.now();
  const deadline = started + durationMs;

  /** A client that behaves: the same Idempotency-Key until an answer, through 503s and dropped connections. */
  async function send(path: string, role: Role, body: unknown, key: string): Promise<any> {
    for (;;) {
      try {
        const res = await fetch(`${stack.apiUrl}${path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokens[role]}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const answer = await res.json().catch(() => undefined);
        if (res.status < 500) return { status: res.status, body: answer };
      } catch {
        // the API was killed, or restarting: try again with the same key
      }
      retries += 1;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  // Case ids come from opening them under load too (a case opened twice is a 409 naming it).
  const ids: string[] = [];
  let opened = 0;
  const workers = Array.from({ length: concurrency }, async (_, w) => {
    while (Date.now() < deadline && opened < cases) {
      opened += 1;
      const body = newCaseBody();
      const open = await send('/cases', 'caseworker', body, `open-${body.homeOfficeRef}`);
      const caseId: string = open.status === 201 ? open.body.caseId : open.body?.caseId;
      if (!caseId) throw new Error(`opening a case answered ${open.status}: ${JSON.stringify(open.body)}`);
      ids.push(caseId);
      for (const [i, [role, event]] of LIFECYCLE.entries()) {
        if (Date.now() > deadline) break;
        const key = `${caseId}-${i}`;
        const answer = await send(`/cases/${caseId}/events`, role, event, key);
        if (answer.status !== 200)
          throw new Error(`${caseId} ${String(event.type)}: ${answer.status} ${JSON.stringify(answer.body)}`);
        acknowledged.set(caseId, answer.body.version);
        acks += 1;
        // Now and then the same request again, as a client that lost the answer would: one change.
        if ((i + w) % 3 === 0) {
          const again = await send(`/cases/${caseId}/events`, role, event, key);
          if (again.body?.version !== answer.body.version)
            throw new Error(`a repeat of ${key} answered version ${again.body?.version}, not ${answer.body.version}`);
        }
        // And a client mistake, which must be a 4xx whatever else is going on.
        if (i === 2 && w === 0) {
          try {
            const bad = await fetch(`${stack.apiUrl}/cases/${caseId}/events`, {
              method: 'POST',
              headers: { authorization: `Bearer ${tokens.caseworker}`, 'content-type': 'application/json' },
              body: JSON.stringify({ type: 'tribunal.listed', hearingDate: 'soon' }),
            });
            if (bad.status >= 500) mistake(`a listing without its date → ${bad.status}`);
          } catch {
            // the API may be down this moment; not an answer
          }
        }
      }
    }
  });

  // The fuzz corpus aims at a case of its own, which must come out of the run as it went in.
  const fuzzTarget = (await send('/cases', 'caseworker', newCaseBody(), 'fuzz-target')).body as {
    caseId: string;
    version: number;
  };
  const fuzz = { sent: 0, unavailable: 0, acceptedAsChange: 0, targetChanged: false };
  const signer = { auth: stack.config.auth, token: stack.token };

  // Meanwhile, bad input of every kind: each must get a 4xx, and the others must still be served.
  const abuse = (async () => {
    const url = new URL(stack.apiUrl);
    const cases = `${stack.apiUrl}/cases`;
    const auth = { authorization: `Bearer ${tokens.caseworker}` };
    const bad: Array<() => Promise<Response>> = [
      () =>
        fetch(cases, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ pad: 'x'.repeat(300_000) }),
        }), // oversized
      () =>
        fetch(cases, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
        }), // deep JSON
      () =>
        fetch(cases, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/plain' },
          body: 'homeOfficeRef=K1234567',
        }), // wrong content type
      () =>
        fetch(cases, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"homeOfficeRef": ',
        }), // truncated
      () => fetch(`${stack.apiUrl}/cases?stage=nowhere&pageSize=9999`, { headers: auth }), // bad query
    ];
    // A bounded slow-loris: connections that trickle their headers and never finish.
    const { connect } = await import('node:net');
    const sockets = Array.from({ length: 20 }, () => {
      const socket = connect(Number(url.port), url.hostname);
      socket.on('error', () => {});
      socket.write('POST /cases HTTP/1.1\r\nHost: x\r\n');
      return socket;
    });
    const trickle = setInterval(() => sockets.forEach((s) => s.write(`X-Slow-${Date.now()}: 1\r\n`)), 2_000);
    for (let i = 0; Date.now() < deadline; i++) {
      try {
        const res = await bad[i % bad.length]!();
        await res.arrayBuffer();
        if (res.status >= 500) mistake(`bad input #${i % bad.length} → ${res.status}`);
      } catch {
        // the API may be down this moment; not an answer
      }
      for (const r of fc.sample(requestFor(fuzzTarget.caseId), 4)) {
        try {
          const status = await sendFuzzed(stack.apiUrl, r, signer);
          fuzz.sent += 1;
          if (status === 503) fuzz.unavailable += 1;
          else if (status >= 500) mistake(`fuzzed ${r.method} ${r.path} → ${status}`);
          if (r.method === 'POST' && (status === 200 || status === 201)) fuzz.acceptedAsChange += 1;
        } catch {
          // the API may be down this moment; not an answer
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    clearInterval(trickle);
    sockets.forEach((s) => s.destroy());
  })();
  const plan = faultPlan(durationMs, stack.topology);
  const acceptedDuringFault: Record<string, number> = {};
  const applied: string[] = [];
  let lastFaultAt = 0;
  let loadEndedAt = 0;
  const load = Promise.all(workers).then(() => (loadEndedAt = Date.now() - started));
  const chaos = (async () => {
    for (const f of plan) {
      const wait = started + f.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      log(`[chaos] ${f.name}`);
      const before = acks;
      await f.run(stack);
      acceptedDuringFault[f.name] = acks - before;
      applied.push(f.name);
      lastFaultAt = Date.now() - started;
    }
  })();
  await Promise.all([load, chaos, abuse]);
  // Everything healthy again; then the systems must catch up with every acknowledged change.
  await fetch(`${stack.systems.homeOffice}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  await fetch(`${stack.systems.courts}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  log(`[chaos] load done: ${ids.length} cases; waiting for the systems to catch up`);
  const audited = await audit(stack, ids, acknowledged, { retries, mistakes5xx: mistakes.length, faults: applied });
  audited.problems.push(...mistakes);
  const target = await stack.client.workflow.getHandle(caseWorkflowId(fuzzTarget.caseId)).query(caseStateQuery);
  fuzz.targetChanged = target.version !== fuzzTarget.version;
  if (fuzz.targetChanged)
    audited.problems.push(
      `the fuzz target ${fuzzTarget.caseId} went from version ${fuzzTarget.version} to ${target.version}`,
    );
  return { ...audited, fuzz, acceptedDuringFault, lastFaultAt, loadEndedAt, caseIds: ids };
}

/** The auditor: history against acknowledgements, and each system's store against the history. */
async function audit(
  stack: ProcessStack,
  ids: string[],
  acknowledged: Map<string, number>,
  extra: { retries: number; mistakes5xx: number; faults: string[] },
): Promise<Omit<Audit, 'lastFaultAt' | 'loadEndedAt' | 'fuzz' | 'acceptedDuringFault' | 'caseIds'>> {
  const token = await stack.token('auditor');
  const get = async (path: string) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).catch(
        () => undefined,
      );
      if (res?.ok) return (await res.json()) as any;
      if (attempt > 60) throw new Error(`${path}: ${res?.status}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };
  const flag = (kind: 'lost' | 'duplicated' | 'outOfOrder', problem: string) => {
    result[kind] += 1;
    result.problems.push(problem);
  };
  const result: Omit<Audit, 'lastFaultAt' | 'loadEndedAt' | 'fuzz' | 'acceptedDuringFault' | 'caseIds'> = {
    accepted: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    clientMistakesAnswered5xx: extra.mistakes5xx,
    retriesAfter5xxOrDrop: extra.retries,
    faults: extra.faults,
    problems: [],
  };
  const caughtUpBy = Date.now() + 240_000;
  for (const caseId of ids) {
    // Wait until the case has nothing left to deliver (outages delay, never drop).
    let view = await get(`/cases/${caseId}`);
    while (view.sync.homeOffice.pending + view.sync.courts.pending > 0 && Date.now() < caughtUpBy) {
      // A quarter second: a read is cheap, and the audit starts as soon as the last delivery lands.
      await new Promise((r) => setTimeout(r, 250));
      view = await get(`/cases/${caseId}`);
    }
    const { entries } = await get(`/cases/${caseId}/timeline`);
    const seqs: number[] = entries.map((e: any) => e.seq);
    const confirmed = acknowledged.get(caseId) ?? 0;
    result.accepted += confirmed;
    // Every acknowledged change is in the history exactly once: sequence 1..n with no gap or repeat.
    for (let seq = 1; seq <= confirmed; seq++) {
      const n = seqs.filter((s) => s === seq).length;
      if (n === 0) flag('lost', `${caseId}: change ${seq} acknowledged but not in its history`);
      if (n > 1) flag('duplicated', `${caseId}: change ${seq} ${n} times in its history`);
    }
    for (const [system, url] of [
      ['homeOffice', stack.systems.homeOffice],
      ['courts', stack.systems.courts],
    ] as const) {
      const expected = entries.filter((e: any) => e.sync[system]).map((e: any) => e.seq as number);
      const { messages } = (await (await fetch(`${url}/messages?caseId=${caseId}`)).json()) as {
        messages: Array<{ seq: number }>;
      };
      const held = messages.map((m) => m.seq); // in the order the system stored them
      for (const seq of expected) {
        const n = held.filter((s) => s === seq).length;
        if (n === 0) flag('lost', `${caseId}: ${system} never received change ${seq}`);
        if (n > 1) flag('duplicated', `${caseId}: ${system} holds change ${seq} ${n} times`);
        if (n >= 1) result.delivered += 1;
      }
      for (let i = 1; i < held.length; i++)
        if (held[i]! <= held[i - 1]!) flag('outOfOrder', `${caseId}: ${system} stored ${held[i]} after ${held[i - 1]}`);
    }
  }
  return result;
}

export const summary = (a: Audit) =>
  `accepted ${a.accepted}, delivered ${a.delivered}, lost ${a.lost}, duplicated ${a.duplicated}, out of order ${a.outOfOrder}`;
