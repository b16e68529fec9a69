/**
 * A client of the case API for end-to-end tests of a case's paths: send events as a role, read the
 * case, wait for a position, the timeline or a search to agree, post signed webhooks, and record the
 * case's history as a replay fixture. Dates a working day moves are worked out here on their own,
 * from the published bank holidays, not from the code under test.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Role } from '../domain/index.js';
import { caseWorkflowId } from '../workflows/messages.js';
import { plusDays } from './dates.js';
import { recordFixture } from './fixtures.js';
import { settledHistoryLength, type Stack } from './harness.js';
import { eventually } from './systems.js';

/** England and Wales bank holidays, from gov.uk, for the years these tests can reach. */
const BANK_HOLIDAYS = new Set([
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
]);
export const weekdayOf = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();
/** The day itself when it is a working day, else the first working day after it. */
export function workingDayFrom(date: string): string {
  if (!/^202[67]-/.test(date)) throw new Error(`add the bank holidays of ${date.slice(0, 4)} to test/case-api.ts`);
  let day = date;
  while (weekdayOf(day) === 0 || weekdayOf(day) === 6 || BANK_HOLIDAYS.has(day)) day = plusDays(day, 1);
  return day;
}

const SECRETS = { hmcts: 'dev-only-hmcts-webhook-secret', 'home-office': 'dev-only-home-office-webhook-secret' };

/** `t=<unix seconds>,sha256=<HMAC of "<t>.<raw>">`, as a system signs a webhook (`at`: another moment, in seconds). */
export function signWebhook(secret: string, raw: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},sha256=${createHmac('sha256', secret).update(`${at}.${raw}`).digest('hex')}`;
}

export const positionOf = (c: { stage: string; status: string }) => `${c.stage}:${c.status}`;
export const clockOf = (c: { clocks: any[] }, name: string) => c.clocks.find((k) => k.name === name);
export const clockNames = (c: { clocks: any[] }) => c.clocks.map((k) => k.name);
/** Timeline entries as "type → to (role)". */
export const steps = (entries: any[]) => entries.map((e) => `${e.type} → ${e.to} (${e.actor.role})`);

export function caseApi(stack: Stack, fixturePrefix: string) {
  const send = (caseId: string, as: Role, event: Record<string, unknown>) =>
    stack.call('POST', `/cases/${caseId}/events`, { role: as, body: event });
  const read = async (caseId: string) => (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
  const search = (caseId: string, filter: string) =>
    stack.call('GET', `/cases?${filter}&ref=${caseId}`, { role: 'supervisor' });
  return {
    send,
    read,
    /** An event that must be applied: the case after it. */
    async apply(caseId: string, as: Role, event: Record<string, unknown>) {
      const res = await send(caseId, as, event);
      expect(res.status, `${String(event.type)}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    },
    /** An event the case must refuse now (409): the problem's detail. */
    async refused(caseId: string, as: Role, event: Record<string, unknown>) {
      const res = await send(caseId, as, event);
      expect(res.status, `${String(event.type)}: ${JSON.stringify(res.body)}`).toBe(409);
      return res.body.detail as string;
    },
    /** A signed webhook from a system, as the contract's second edition signs it. */
    async webhook(source: 'hmcts' | 'home-office', body: Record<string, unknown>) {
      const id = randomUUID();
      const raw = JSON.stringify({ id, occurredAt: new Date().toISOString(), ...body });
      const res = await fetch(`${stack.baseUrl}/integrations/${source}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature': signWebhook(SECRETS[source], raw),
        },
        body: raw,
      });
      return { id, status: res.status, body: (await res.json()) as any };
    },
    /** The case once it stands at `position`. */
    until: (caseId: string, position: string) =>
      eventually(
        async () => {
          const c = await read(caseId);
          return positionOf(c) === position ? c : undefined;
        },
        30_000,
        position,
      ),
    /** The timeline's entries once it holds `count`. */
    timeline: (caseId: string, count: number) =>
      eventually(
        async () => {
          const t = (await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'auditor' })).body;
          return t.entries.length >= count ? (t.entries as any[]) : undefined;
        },
        20_000,
        `${count} timeline entries`,
      ),
    /** Search by case id with more filters: the case found, once search agrees. */
    searchFinds: (caseId: string, filter: string) =>
      eventually(
        async () => {
          const res = await search(caseId, filter);
          return res.body.cases.length === 1 ? res.body.cases[0] : undefined;
        },
        15_000,
        `search ${filter}`,
      ),
    /** Search by case id with more filters finds nothing, once search agrees. */
    searchMisses: (caseId: string, filter: string) =>
      eventually(
        async () => ((await search(caseId, filter)).body.cases.length === 0 ? true : undefined),
        15_000,
        `search ${filter} to miss`,
      ),
    /** With RECORD_FIXTURES=1: the case's history once it is idle, as test/fixtures/<set>-<prefix>-<name>.pb. */
    async record(caseId: string, name: string) {
      if (process.env.RECORD_FIXTURES === '1') {
        await eventually(
          async () => {
            const c = await read(caseId);
            return c.sync.homeOffice.pending === 0 && c.sync.courts.pending === 0 && c.sync.notifier.pending === 0
              ? true
              : undefined;
          },
          30_000,
          'deliveries before recording',
        );
        await settledHistoryLength(stack.client, caseWorkflowId(caseId));
      }
      await recordFixture(stack.client, caseId, `${fixturePrefix}-${name}`);
    },
  };
}
