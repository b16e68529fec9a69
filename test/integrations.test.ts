/**
 * Signed webhooks from the two systems: a case taken through its appeal by HMCTS events alone,
 * each event applied once however often it comes, bad signatures refused, events that fit no
 * case now held with a reason, and events for no known case kept until a supervisor links them.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newCaseBody, useStack } from './harness.js';
import { eventually } from './systems.js';

const stack = useStack();

const SECRETS = {
  hmcts: 'dev-only-hmcts-webhook-secret',
  'home-office': 'dev-only-home-office-webhook-secret',
} as const;

async function webhook(
  source: 'hmcts' | 'home-office',
  body: Record<string, unknown>,
  tamper?: (raw: string) => string,
) {
  const raw = JSON.stringify({ id: randomUUID(), occurredAt: new Date().toISOString(), ...body });
  const signature = `sha256=${createHmac('sha256', SECRETS[source]).update(raw).digest('hex')}`;
  const res = await fetch(`${stack.baseUrl}/integrations/${source}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signature },
    body: tamper ? tamper(raw) : raw,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function openCase() {
  const body = newCaseBody();
  const caseId = await stack.openCase(body);
  // Inbound events find cases through search: wait until this one is findable.
  await eventually(
    async () =>
      (await stack.call('GET', `/cases?ref=${body.homeOfficeRef}`, { role: 'supervisor' })).body.cases.length === 1
        ? true
        : undefined,
    15_000,
    'the case in search',
  );
  return { caseId, homeOfficeRef: body.homeOfficeRef as string };
}
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
    expect(atHomeOffice.messages.map((m) => m.type)).toEqual([
      'decision.refused',
      'appeal.lodged',
      'tribunal.listed',
      'tribunal.determined',
    ]);
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
        (await stack.systems.homeOffice.view(caseId))?.messages.some((m) => m.type === 'appeal.lodged')
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
        'x-signature': `sha256=${createHmac('sha256', SECRETS['home-office']).update('{}').digest('hex')}`,
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
    expect((await read(caseId)).version).toBe(0);
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
