/**
 * Guarding the record (#19), through the real webhook route: a reference another case holds is
 * never moved onto a case by an event (the event is held, naming the conflict), an event aimed by
 * `references.caseId` whose other references contradict that case is held, and a case that gets
 * many events it cannot take keeps a bounded answer that still says how many it dropped.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation } from '@temporalio/client';
import pMap from 'p-map';
import { HMCTS_SEQUENCE_START, STATE_BOUNDS } from '../domain/index.js';
import {
  holdUnmatchedUpdate,
  INBOX_WORKFLOW_TYPE,
  inboxWorkflowId,
  takeUnmatchedUpdate,
} from '../workflows/messages.js';
import { useStack } from './harness.js';
import { eventually } from './systems.js';
import { signWebhook } from './case-api.js';

const stack = useStack();

const SECRETS = {
  hmcts: 'dev-only-hmcts-webhook-secret',
  'home-office': 'dev-only-home-office-webhook-secret',
} as const;

async function webhook(source: 'hmcts' | 'home-office', body: Record<string, unknown>, id = randomUUID()) {
  const raw = JSON.stringify({ id, occurredAt: new Date().toISOString(), ...body });
  const res = await fetch(`${stack.baseUrl}/integrations/${source}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signWebhook(SECRETS[source], raw) },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const read = async (caseId: string) => (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
const findable = (ref: string, caseId: string) =>
  eventually(
    async () => {
      const found = (await stack.call('GET', `/cases?ref=${encodeURIComponent(ref)}`, { role: 'supervisor' })).body;
      return found.cases.length === 1 && found.cases[0].caseId === caseId ? true : undefined;
    },
    15_000,
    `${ref} in search`,
  );

/** A case refused at decision, so an appeal fits it. */
async function refusedCase() {
  const opened = await stack.openFindableCase();
  expect(
    (await webhook('home-office', { type: 'decision.refused', references: { homeOfficeRef: opened.homeOfficeRef } }))
      .body.status,
  ).toBe('applied');
  return opened;
}

describe('references an event carries', () => {
  it('never moves a reference another case holds: the event is held on its case, naming the conflict', async () => {
    const owner = await refusedCase();
    const other = await refusedCase();
    const hmctsRef = `PA/${String(Math.floor(Math.random() * 40_000) + HMCTS_SEQUENCE_START)}/2026`;
    const lodged = await webhook('hmcts', {
      type: 'appeal.lodged',
      hmctsRef,
      references: { homeOfficeRef: owner.homeOfficeRef },
    });
    expect(lodged.body).toEqual({ status: 'applied', caseId: owner.caseId });
    await findable(hmctsRef, owner.caseId);

    const hijack = await webhook('hmcts', {
      type: 'appeal.lodged',
      hmctsRef,
      references: { homeOfficeRef: other.homeOfficeRef },
    });
    expect(hijack.status).toBe(202);
    expect(hijack.body).toEqual({
      status: 'held',
      caseId: other.caseId,
      reason: `reference ${hmctsRef} already belongs to case ${owner.caseId}`,
    });
    const after = await read(other.caseId);
    expect(after).toMatchObject({ stage: 'decision', status: 'refused' });
    expect(after.identifiers.hmctsRef).toBeUndefined();
    expect(after.held.map((h: any) => h.reason)).toEqual([
      `reference ${hmctsRef} already belongs to case ${owner.caseId}`,
    ]);
    // The owner keeps it, and search still finds only the owner.
    expect((await read(owner.caseId)).identifiers.hmctsRef).toBe(hmctsRef);
    await findable(hmctsRef, owner.caseId);
  });

  it('holds a prison number another case holds, brought by the Home Office’s case.identified, and refuses it from a caseworker', async () => {
    const owner = await stack.openFindableCase();
    const other = await stack.openFindableCase();
    const letter = () => String.fromCharCode(65 + Math.floor(Math.random() * 26));
    const prisonNumber = `${letter()}${Math.floor(Math.random() * 9_000) + 1_000}${letter()}${letter()}`;
    expect(
      (
        await webhook('home-office', {
          type: 'case.identified',
          prisonNumber,
          references: { homeOfficeRef: owner.homeOfficeRef },
        })
      ).body.status,
    ).toBe('applied');
    await findable(prisonNumber, owner.caseId);
    const hijack = await webhook('home-office', {
      type: 'case.identified',
      prisonNumber,
      references: { homeOfficeRef: other.homeOfficeRef },
    });
    expect(hijack.body).toEqual({
      status: 'held',
      caseId: other.caseId,
      reason: `reference ${prisonNumber} already belongs to case ${owner.caseId}`,
    });
    expect((await read(other.caseId)).identifiers.prisonNumber).toBeUndefined();
    // Nor can a caseworker put it on the other case: 409 naming the case that holds it.
    const typed = await stack.call('POST', `/cases/${other.caseId}/events`, {
      role: 'caseworker',
      body: { type: 'case.identified', prisonNumber },
    });
    expect(typed.status).toBe(409);
    expect(typed.body).toMatchObject({
      type: expect.stringMatching(/reference-taken$/),
      detail: `reference ${prisonNumber} already belongs to case ${owner.caseId}.`,
      caseId: owner.caseId,
    });
    expect((await read(other.caseId)).identifiers.prisonNumber).toBeUndefined();
  });

  it('holds an event aimed by references.caseId whose other references are another case’s, or contradict it', async () => {
    const target = await refusedCase();
    const other = await refusedCase();
    const aimed = await webhook('hmcts', {
      type: 'appeal.lodged',
      references: { caseId: target.caseId, homeOfficeRef: other.homeOfficeRef },
    });
    expect(aimed.body).toEqual({
      status: 'held',
      caseId: target.caseId,
      reason: `reference ${other.homeOfficeRef} already belongs to case ${other.caseId}`,
    });
    const contradicting = await webhook('hmcts', {
      type: 'appeal.lodged',
      references: { caseId: target.caseId, homeOfficeRef: 'Z9999999' },
    });
    expect(contradicting.body).toEqual({
      status: 'held',
      caseId: target.caseId,
      reason: `references.homeOfficeRef Z9999999 contradicts case ${target.caseId} (its homeOfficeRef is ${target.homeOfficeRef})`,
    });
    // Neither moved anything: both cases still stand refused, and the agreeing event still applies.
    expect(await read(target.caseId)).toMatchObject({ stage: 'decision', status: 'refused' });
    expect(await read(other.caseId)).toMatchObject({ stage: 'decision', status: 'refused' });
    const agreeing = await webhook('hmcts', {
      type: 'appeal.lodged',
      references: { caseId: target.caseId, homeOfficeRef: target.homeOfficeRef },
    });
    expect(agreeing.body).toEqual({ status: 'applied', caseId: target.caseId });
  });
});

describe('a case sent many events it cannot take', () => {
  it('keeps its newest held events, counts the rest, answers a repeat of any as a duplicate, and stays bounded', async () => {
    const { caseId, homeOfficeRef } = await stack.openFindableCase();
    const sent = STATE_BOUNDS.held + 35;
    const ids = Array.from({ length: sent }, () => randomUUID());
    // Listed before any appeal: each one held.
    for (let i = 0; i < sent; i += 10)
      await Promise.all(
        ids
          .slice(i, i + 10)
          .map(async (id) =>
            expect(
              (
                await webhook(
                  'hmcts',
                  { type: 'tribunal.listed', hearingDate: '2027-01-12', references: { homeOfficeRef } },
                  id,
                )
              ).body.status,
            ).toBe('held'),
          ),
      );
    const c = await read(caseId);
    expect(c.held).toHaveLength(STATE_BOUNDS.held);
    expect(c.heldDropped).toBe(sent - STATE_BOUNDS.held);
    expect(JSON.stringify(c).length).toBeLessThan(24 * 1024);
    // The first one sent, dropped from `held` long ago, is still known: re-signed and sent again, a duplicate.
    expect(
      (
        await webhook(
          'hmcts',
          { type: 'tribunal.listed', hearingDate: '2027-01-12', references: { homeOfficeRef } },
          ids[0],
        )
      ).body,
    ).toEqual({
      status: 'duplicate',
      caseId,
    });
  });
});

describe('the unmatched inbox', () => {
  it('refuses an event past the most it keeps with 503 and Retry-After, and takes it once there is room', async () => {
    const inboxId = inboxWorkflowId(stack.config.temporal.taskQueue);
    const event = { type: 'tribunal.listed', hearingDate: '2027-01-12' } as const;
    // Filled through the inbox's own update, as the webhook route sends it (faster than 500 signed requests).
    const hold = (id: string) =>
      stack.client.workflow.executeUpdateWithStart(holdUnmatchedUpdate, {
        args: [
          {
            key: `hmcts:${id}`,
            source: 'hmcts',
            id,
            event,
            references: { homeOfficeRef: 'Z0000001' },
            occurredAt: new Date().toISOString(),
            receivedAt: new Date().toISOString(),
          },
        ],
        startWorkflowOperation: new WithStartWorkflowOperation(INBOX_WORKFLOW_TYPE, {
          workflowId: inboxId,
          taskQueue: stack.config.temporal.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [],
        }),
      });
    const first = await hold('fill-0');
    expect(first).toBe('unmatched');
    const waiting = (await stack.call('GET', '/integrations/unmatched', { role: 'supervisor' })).body.events.length;
    await pMap(
      Array.from({ length: STATE_BOUNDS.inboxWaiting - waiting }, (_, i) => `fill-${i + 1}`),
      async (id) => expect(await hold(id)).toBe('unmatched'),
      { concurrency: 8 },
    );
    const refused = await fetchWebhook({ ...event, references: { homeOfficeRef: 'Z0000002' } });
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('300');
    expect(refused.body.type).toMatch(/inbox-full$/);
    // A repeat of one waiting is still a duplicate, full or not.
    expect(await hold('fill-0')).toBe('duplicate');
    // A supervisor takes one out: the refused event, sent again, now waits.
    await stack.client.workflow.getHandle(inboxId).executeUpdate(takeUnmatchedUpdate, { args: ['hmcts:fill-0'] });
    const again = await fetchWebhook({ ...event, references: { homeOfficeRef: 'Z0000002' } }, refused.id);
    expect(again.body).toEqual({ status: 'unmatched' });
  });
});

async function fetchWebhook(body: Record<string, unknown>, id = randomUUID()) {
  const raw = JSON.stringify({ id, occurredAt: new Date().toISOString(), ...body });
  const res = await fetch(`${stack.baseUrl}/integrations/hmcts/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signWebhook(SECRETS.hmcts, raw) },
    body: raw,
  });
  return { id, status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}
