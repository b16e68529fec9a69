/**
 * The proof #19 asks for: 10,000 held events leave the case's answer bounded. They go to one case
 * through the workflow's own inbound update (what the webhook route calls), in parallel batches,
 * so the run spans several continue-as-new hand-overs; a hundred more come over the real webhook
 * route. The answer (`GET /cases/:caseId`) and the workflow's state stay under fixed bounds, and a
 * repeat of the newest event, re-signed, is still a duplicate. A file of its own: it runs long.
 */
import { randomUUID } from 'node:crypto';
import pMap from 'p-map';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, STATE_BOUNDS, type InboundOutcome } from '../domain/index.js';
import { applyInboundUpdate, caseStateQuery, caseWorkflowId } from '../workflows/messages.js';
import { useStack } from './harness.js';
import { signWebhook } from './case-api.js';

const stack = useStack();

const BULK = 10_000;
const OVER_HTTP = 100;
/** What the answer may weigh: the case, its 25 newest held events, and a little room. */
const ANSWER_BOUND = 24 * 1024;
/** What the state may weigh: the answer's parts plus the 2,000 newest event keys. */
const STATE_BOUND = 128 * 1024;

const listed = { type: 'tribunal.listed', hearingDate: '2027-01-12' } as const;

async function webhook(body: Record<string, unknown>, id: string) {
  const raw = JSON.stringify({ id, occurredAt: new Date().toISOString(), ...body });
  const res = await fetch(`${stack.baseUrl}/integrations/hmcts/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signWebhook('dev-only-hmcts-webhook-secret', raw) },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('10,000 held events', () => {
  it('leave the case’s answer and its state bounded', { timeout: 900_000 }, async () => {
    const { caseId, homeOfficeRef } = await stack.openFindableCase();
    const handle = stack.client.workflow.getHandle(caseWorkflowId(caseId));
    /** The workflow's inbound update, as the webhook route sends it; sent again if the server was busy. */
    let resent = 0;
    const inbound = async (id: string): Promise<InboundOutcome> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await handle.executeUpdate(applyInboundUpdate, {
            args: [{ source: 'hmcts', id, event: listed, policy: DEFAULT_POLICY }],
          });
        } catch (err) {
          if (attempt >= 20) throw err;
          resent += 1;
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    };
    const firstRun = (await handle.describe()).runId;
    const started = Date.now();
    const outcomes = await pMap(
      Array.from({ length: BULK }, (_, i) => i),
      (i) => inbound(`bulk-${i}`),
      // The server admits 10 updates in flight per workflow (history.maxInFlightUpdates), and each
      // workflow task takes in all that have arrived: 10 at a time fill every task, where 8 left
      // a fifth of each empty; an update refused (a continue-as-new hand-over) is sent again.
      { concurrency: 10 },
    );
    const bulkSeconds = (Date.now() - started) / 1000;
    expect(outcomes.filter((o) => o.status === 'held')).toHaveLength(BULK);

    const ids = Array.from({ length: OVER_HTTP }, () => randomUUID());
    await pMap(
      ids,
      async (id) => expect((await webhook({ ...listed, references: { homeOfficeRef } }, id)).body.status).toBe('held'),
      { concurrency: 4 },
    );

    const answer = (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
    const state = await handle.query(caseStateQuery);
    const runs = (await handle.describe()).runId;
    console.log(
      `bounded-10k: ${BULK} updates in ${bulkSeconds.toFixed(1)} s (${resent} sent again); answer ${JSON.stringify(answer).length} B, state ${JSON.stringify(state).length} B`,
    );
    expect(answer.held).toHaveLength(STATE_BOUNDS.held);
    expect(answer.heldDropped).toBe(BULK + OVER_HTTP - STATE_BOUNDS.held);
    // The newest kept: the last 25 of those sent over HTTP (sent in parallel, so as a set).
    expect(ids.slice(-40).map((id) => `hmcts:${id}`)).toEqual(expect.arrayContaining([answer.held.at(-1).key]));
    expect(JSON.stringify(answer).length).toBeLessThan(ANSWER_BOUND);
    expect(state.inbound).toHaveLength(STATE_BOUNDS.inboundKeys);
    expect(JSON.stringify(state).length).toBeLessThan(STATE_BOUND);
    // Nothing was applied: the case stands where it opened.
    expect(answer).toMatchObject({ stage: 'claim', status: 'lodged', version: 0 });
    // The newest events, re-signed and sent again, are still duplicates.
    for (const id of ids.slice(-3))
      expect((await webhook({ ...listed, references: { homeOfficeRef } }, id)).body).toEqual({
        status: 'duplicate',
        caseId,
      });
    // The events spanned several runs: what continue-as-new carried stayed bounded too.
    expect(runs).not.toBe(firstRun);
  });
});
