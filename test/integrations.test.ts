/**
 * Signed webhooks from the two systems: a case taken through its appeal by HMCTS events alone,
 * each event applied once however often it comes, bad signatures refused, events that fit no
 * case now held with a reason, and events for no known case kept until a supervisor links them.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { daysAgo } from './dates.js';
import { useStack } from './harness.js';
import { eventually } from './systems.js';
import { signWebhook } from './case-api.js';
import { homeOfficeMessageType } from '../integrations/home-office.js';

const stack = useStack();
/** Our events as the Home Office stores them: its own message types (integrations/home-office/mapping.ts). */
const ho = (types: string[]) => types.map(homeOfficeMessageType);

const SECRETS = {
  hmcts: 'dev-only-hmcts-webhook-secret',
  'home-office': 'dev-only-home-office-webhook-secret',
} as const;

async function webhook(
  source: 'hmcts' | 'home-office',
  body: Record<string, unknown>,
  tamper?: (raw: string) => string,
  signedAt?: number,
) {
  const raw = JSON.stringify({ id: randomUUID(), occurredAt: new Date().toISOString(), ...body });
  const signature = signWebhook(SECRETS[source], raw, signedAt);
  const res = await fetch(`${stack.baseUrl}/integrations/${source}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signature },
    body: tamper ? tamper(raw) : raw,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const openCase = () => stack.openFindableCase();
const read = async (caseId: string) => (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;

describe('inbound events', () => {
  it('takes a case through its appeal by Home Office and HMCTS events alone, with the systems as actors', async () => {
    const { caseId, homeOfficeRef } = await openCase();
    const references = { homeOfficeRef };
    expect((await webhook('home-office', { type: 'decision.refused', references })).body).toEqual({
      status: 'applied',
      caseId,
    });
    expect((await webhook('hmcts', { type: 'appeal.lodged', hmctsRef: 'PA/50123/2026', references })).body).toEqual({
      status: 'applied',
      caseId,
    });
    expect(
      (
        await webhook('hmcts', {
          type: 'tribunal.listed',
          hearingDate: '2026-12-01',
          references: { ...references, hmctsRef: 'PA/50123/2026' },
        })
      ).body.status,
    ).toBe('applied');
    expect((await webhook('hmcts', { type: 'tribunal.determined', outcome: 'allowed', references })).body.status).toBe(
      'applied',
    );
    expect(await read(caseId)).toMatchObject({
      stage: 'tribunal',
      status: 'allowed',
      identifiers: { hmctsRef: 'PA/50123/2026' },
      counts: { appeals: 1 },
    });
    // The Home Office heard of the appeal from us, not from a caseworker.
    const atHomeOffice = await eventually(
      async () => {
        const v = await stack.systems.homeOffice.view(caseId);
        return v?.messages.length === 4 ? v : undefined;
      },
      20_000,
      'the Home Office to hear',
    );
    expect(atHomeOffice.messages.map((m) => m.type)).toEqual(
      ho(['decision.refused', 'appeal.lodged', 'tribunal.listed', 'tribunal.determined']),
    );
    const timeline = (await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'auditor' })).body;
    expect(timeline.entries.map((e: any) => [e.type, e.actor])).toEqual([
      ['decision.refused', { id: 'home-office', role: 'integration' }],
      ['appeal.lodged', { id: 'hmcts', role: 'integration' }],
      ['tribunal.listed', { id: 'hmcts', role: 'integration' }],
      ['tribunal.determined', { id: 'hmcts', role: 'integration' }],
    ]);
  });

  it('an appeal registered at the HMCTS reference system reaches the case and the Home Office with nobody typing it', async () => {
    const { caseId, homeOfficeRef } = await openCase();
    await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'decision.refused' } });
    const hmcts = stack.systems.courts.url;
    await fetch(`${hmcts}/admin/webhook`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${stack.baseUrl}/integrations/hmcts/events`, secret: SECRETS.hmcts }),
    });
    const registered = await fetch(`${hmcts}/admin/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'appeal.lodged', hmctsRef: 'PA/50777/2026', references: { homeOfficeRef } }),
    });
    expect(registered.status).toBe(200);
    expect(((await registered.json()) as any).answer).toEqual({ status: 'applied', caseId });
    expect(await read(caseId)).toMatchObject({
      stage: 'appeal',
      status: 'lodged',
      identifiers: { hmctsRef: 'PA/50777/2026' },
    });
    await eventually(
      async () =>
        (await stack.systems.homeOffice.view(caseId))?.messages.some(
          (m) => m.type === homeOfficeMessageType('appeal.lodged'),
        )
          ? true
          : undefined,
      20_000,
      'the Home Office to hear of the appeal',
    );
  });

  it('applies the same event once, however often it comes', async () => {
    const { caseId, homeOfficeRef } = await openCase();
    const id = randomUUID();
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(
        (await webhook('home-office', { id, type: 'person.absconded', references: { homeOfficeRef } })).body.status,
      );
    expect(results).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(await read(caseId)).toMatchObject({ version: 1, counts: { abscondings: 1 } });
  });

  it('refuses a bad or missing signature with 401 and changes nothing', async () => {
    const { caseId, homeOfficeRef } = await openCase();
    const tampered = await webhook('home-office', { type: 'person.absconded', references: { homeOfficeRef } }, (raw) =>
      raw.replace('absconded', 'reported'),
    );
    expect(tampered.status).toBe(401);
    const wrongSystem = await fetch(`${stack.baseUrl}/integrations/hmcts/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': signWebhook(SECRETS['home-office'], '{}'),
      },
      body: '{}',
    });
    expect(wrongSystem.status).toBe(401);
    const unsigned = await fetch(`${stack.baseUrl}/integrations/hmcts/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);
    // The first edition's signature, without its time, no longer holds.
    const raw = JSON.stringify({ id: randomUUID(), type: 'person.absconded', references: { homeOfficeRef } });
    const untimed = await fetch(`${stack.baseUrl}/integrations/home-office/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': `sha256=${createHmac('sha256', SECRETS['home-office']).update(raw).digest('hex')}`,
      },
      body: raw,
    });
    expect(untimed.status).toBe(401);
    expect((await read(caseId)).version).toBe(0);
  });

  it('refuses a signature over 5 minutes old or more than a minute ahead, and a replay within them is a duplicate', async () => {
    const { caseId, homeOfficeRef } = await openCase();
    const now = Math.floor(Date.now() / 1000);
    const event = { type: 'person.absconded', references: { homeOfficeRef } };
    const stale = await webhook('home-office', event, undefined, now - 5 * 60 - 5);
    expect(stale).toMatchObject({ status: 401, body: { detail: 'X-Signature is more than 5 minutes old.' } });
    const ahead = await webhook('home-office', event, undefined, now + 90);
    expect(ahead).toMatchObject({ status: 401, body: { detail: 'X-Signature is dated more than a minute ahead.' } });
    expect((await read(caseId)).version).toBe(0);
    // The same signed request sent again inside the window: its event id makes it a duplicate.
    const raw = JSON.stringify({ id: randomUUID(), occurredAt: new Date().toISOString(), ...event });
    const send = () =>
      fetch(`${stack.baseUrl}/integrations/home-office/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signWebhook(SECRETS['home-office'], raw) },
        body: raw,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect((await send()).body.status).toBe('applied');
    expect((await send()).body.status).toBe('duplicate');
    expect((await read(caseId)).version).toBe(1);
  });

  it('holds an event that does not fit the case now, with the reason, and changes nothing else', async () => {
    const { caseId, homeOfficeRef } = await openCase();
    const early = await webhook('hmcts', {
      type: 'tribunal.listed',
      hearingDate: '2026-12-01',
      references: { homeOfficeRef },
    });
    expect(early.body).toMatchObject({
      status: 'held',
      caseId,
      reason: expect.stringContaining('not allowed at claim:lodged'),
    });
    const foreign = await webhook('hmcts', { type: 'decision.refused', references: { homeOfficeRef } });
    expect(foreign.body).toMatchObject({ status: 'held', reason: 'hmcts does not report decision.refused' });
    const state = await read(caseId);
    expect(state.version).toBe(0);
    expect(state.held.map((h: any) => h.type)).toEqual(['tribunal.listed', 'decision.refused']);
  });

  it('keeps an event for no known case until a supervisor links it, then applies it once', async () => {
    const id = randomUUID();
    const unknown = { homeOfficeRef: 'Z9999999' };
    const first = await webhook('home-office', { id, type: 'person.absconded', references: unknown });
    expect(first.body).toEqual({ status: 'unmatched' });
    expect((await webhook('home-office', { id, type: 'person.absconded', references: unknown })).body).toEqual({
      status: 'duplicate',
    });
    const waiting = (await stack.call('GET', '/integrations/unmatched', { role: 'supervisor' })).body.events;
    expect(waiting.map((e: any) => e.key)).toContain(`home-office:${id}`);

    const { caseId } = await openCase();
    const linked = await stack.call('POST', `/integrations/unmatched/${encodeURIComponent(`home-office:${id}`)}/link`, {
      role: 'supervisor',
      body: { caseId },
    });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ status: 'applied', caseId });
    expect((await read(caseId)).flags.absconded).toBe(true);
    const again = (await stack.call('GET', '/integrations/unmatched', { role: 'supervisor' })).body.events;
    expect(again.map((e: any) => e.key)).not.toContain(`home-office:${id}`);
    expect(
      (
        await stack.call('POST', `/integrations/unmatched/${encodeURIComponent(`home-office:${id}`)}/link`, {
          role: 'supervisor',
          body: { caseId },
        })
      ).status,
    ).toBe(404);
    expect((await stack.call('GET', '/integrations/unmatched', { role: 'caseworker' })).status).toBe(403);
  });

  it('answers 400 naming the field for a signed but malformed event', async () => {
    const res = await webhook('hmcts', { type: 'tribunal.listed', references: { hmctsRef: 'nope' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toContain('references.hmctsRef');
  });
});

describe('the tribunal’s process as the HMCTS reference system reports it', () => {
  const hmcts = () => stack.systems.courts;
  const post = (caseId: string, role: 'caseworker' | 'tribunal', body: Record<string, unknown>) =>
    stack.call('POST', `/cases/${caseId}/events`, { role, body });

  it(
    'a late appeal for a case whose window expired reopens it out of time, then hearings move and the appellant withdraws',
    { timeout: 90_000 },
    async () => {
      await hmcts().webhookTo(`${stack.baseUrl}/integrations/hmcts/events`, SECRETS.hmcts);
      const { caseId, homeOfficeRef } = await openCase();
      const references = { homeOfficeRef };
      // Refused 40 days ago: the 14-day window closed unused, and the case's own timer records it.
      expect((await post(caseId, 'caseworker', { type: 'decision.refused', decidedOn: daysAgo(40) })).status).toBe(200);
      const exhausted = await eventually(
        async () => {
          const c = await read(caseId);
          return c.status === 'appeal-rights-exhausted' ? c : undefined;
        },
        20_000,
        'the window to expire',
      );
      expect(exhausted).toMatchObject({ stage: 'exit', appealPending: false });

      expect(
        await hmcts().report({ type: 'appeal.lodged', outOfTime: true, lodgedOn: daysAgo(1), references }),
      ).toEqual({ status: 'applied', caseId });
      const late = await read(caseId);
      expect(late).toMatchObject({
        stage: 'appeal',
        status: 'out-of-time',
        appealPending: true,
        appealPendingReason: expect.stringContaining('late appeal'),
        dates: { appealLodgedOn: daysAgo(1) },
        counts: { appeals: 1 },
      });
      // No 24-week clock until the tribunal admits the appeal.
      expect(late.clocks.map((c: any) => c.name)).not.toContain('tribunal-24-weeks');

      const granted = await post(caseId, 'tribunal', {
        type: 'appeal.extension-decided',
        granted: true,
        reason: 'The delay was explained',
      });
      expect(granted.status).toBe(200);
      expect(granted.body).toMatchObject({ stage: 'appeal', status: 'lodged' });

      const on = (days: number) => daysAgo(-days);
      expect(await hmcts().report({ type: 'tribunal.listed', hearingDate: on(30), references })).toMatchObject({
        status: 'applied',
      });
      // Adjourned with a new date: still listed, for the new day.
      expect(
        await hmcts().report({
          type: 'tribunal.adjourned',
          reason: 'No interpreter',
          hearingDate: on(60),
          references,
        }),
      ).toMatchObject({ status: 'applied' });
      expect(await read(caseId)).toMatchObject({ status: 'listed', dates: { hearingDate: on(60) } });
      // Adjourned without one: waiting to be listed again, the appeal still pending.
      expect(
        await hmcts().report({ type: 'tribunal.adjourned', reason: 'The appellant is unwell', references }),
      ).toMatchObject({ status: 'applied' });
      const adjourned = await read(caseId);
      expect(adjourned).toMatchObject({
        stage: 'tribunal',
        status: 'adjourned',
        appealPending: true,
        appealPendingReason: 'the hearing was adjourned',
      });
      expect(adjourned.dates.hearingDate).toBeUndefined();
      expect(await hmcts().report({ type: 'tribunal.listed', hearingDate: on(90), references })).toMatchObject({
        status: 'applied',
      });
      expect(await read(caseId)).toMatchObject({ status: 'listed', dates: { hearingDate: on(90) } });

      expect(
        await hmcts().report({ type: 'appeal.withdrawn', reason: 'The appellant withdrew', references }),
      ).toMatchObject({ status: 'applied' });
      const withdrawn = await read(caseId);
      expect(withdrawn).toMatchObject({
        stage: 'exit',
        status: 'appeal-withdrawn',
        appealPending: false,
        appealEnded: { how: 'withdrawn', on: daysAgo(0) },
      });
      expect(withdrawn.clocks.find((c: any) => c.name === 'tribunal-24-weeks')).toMatchObject({ state: 'ended' });

      const timeline = (await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'auditor' })).body;
      expect(timeline.entries.map((e: any) => [e.type, e.actor.id])).toEqual([
        ['decision.refused', 'test-caseworker'],
        ['appeal-window.expired', 'workflow'],
        ['appeal.lodged', 'hmcts'],
        ['appeal.extension-decided', 'test-tribunal'],
        ['tribunal.listed', 'hmcts'],
        ['tribunal.adjourned', 'hmcts'],
        ['tribunal.adjourned', 'hmcts'],
        ['tribunal.listed', 'hmcts'],
        ['appeal.withdrawn', 'hmcts'],
      ]);
      // The Home Office heard of each from the tracker; HMCTS registered the late appeal under its own reference.
      const atHomeOffice = await eventually(
        async () => {
          const v = await stack.systems.homeOffice.view(caseId);
          return v?.messages.some((m) => m.type === homeOfficeMessageType('appeal.withdrawn')) ? v : undefined;
        },
        20_000,
        'the Home Office to hear of the withdrawal',
      );
      expect(atHomeOffice.messages.map((m) => m.type)).toEqual(
        ho([
          'decision.refused',
          'appeal-window.expired',
          'appeal.lodged',
          'appeal.extension-decided',
          'tribunal.listed',
          'tribunal.adjourned',
          'tribunal.adjourned',
          'tribunal.listed',
          'appeal.withdrawn',
        ]),
      );
      expect((await read(caseId)).identifiers.hmctsRef).toMatch(/^PA\/5\d{4}\/\d{4}$/);
    },
  );

  it('a determination on the papers stops the 24-week clock on the day it was promulgated; one with no hearing listed is held', async () => {
    await hmcts().webhookTo(`${stack.baseUrl}/integrations/hmcts/events`, SECRETS.hmcts);
    const { caseId, homeOfficeRef } = await openCase();
    const references = { homeOfficeRef };
    expect((await post(caseId, 'caseworker', { type: 'decision.refused', decidedOn: daysAgo(10) })).status).toBe(200);
    expect(await hmcts().report({ type: 'appeal.lodged', lodgedOn: daysAgo(9), references })).toMatchObject({
      status: 'applied',
    });
    const heard = await hmcts().report({ type: 'tribunal.determined', outcome: 'allowed', references });
    expect(heard).toMatchObject({ status: 'held', reason: expect.stringContaining('only on the papers') });

    expect(
      await hmcts().report({
        type: 'tribunal.determined',
        outcome: 'dismissed',
        onThePapers: true,
        determinedOn: daysAgo(3),
        promulgatedOn: daysAgo(1),
        references,
      }),
    ).toMatchObject({ status: 'applied' });
    const determined = await read(caseId);
    expect(determined).toMatchObject({
      stage: 'tribunal',
      status: 'dismissed',
      dates: { determinedOn: daysAgo(3), promulgatedOn: daysAgo(1), onThePapers: true },
      // The onward window runs from the promulgation.
      appealPending: true,
      appealPendingReason: expect.stringContaining('onward appeal'),
    });
    expect(determined.clocks.find((c: any) => c.name === 'tribunal-24-weeks')).toMatchObject({
      state: 'met',
      stoppedOn: daysAgo(1),
    });
    expect(determined.held.map((h: any) => h.type)).toEqual(['tribunal.determined']);
  });
});
