/** The first slice over real HTTP on the real server: open a case, read it, screen it. */
import { describe, expect, it } from 'vitest';
import { caseWorkflowId } from '../workflows/messages.js';
import { historyLength, newCaseBody, settledHistoryLength, useStack } from './harness.js';
import { eventually } from './systems.js';

const stack = useStack();

const openCase = () => stack.openCase();

describe('POST /cases', () => {
  it('opens a case at claim and says where it lives', async () => {
    const body = newCaseBody({ uan: '1234-5678-9012-3456', assignee: 'alice' });
    const res = await stack.call('POST', '/cases', { body });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/cases/${res.body.caseId}`);
    expect(res.body).toMatchObject({
      stage: 'claim',
      status: 'lodged',
      version: 0,
      assignee: 'alice',
      identifiers: { homeOfficeRef: body.homeOfficeRef, uan: body.uan },
    });
    expect(res.body.caseId).toMatch(/^AC-[0-9A-Z]{12}$/);

    const read = await stack.call('GET', `/cases/${res.body.caseId}`, { role: 'auditor' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      caseId: res.body.caseId,
      stage: 'claim',
      status: 'lodged',
      person: body.person,
      cohort: body.cohort,
    });
  });

  it('answers 409 naming the existing case for a Home Office reference seen before', async () => {
    const body = newCaseBody();
    const first = await stack.call('POST', '/cases', { body });
    const again = await stack.call('POST', '/cases', {
      body: { ...body, person: { ...body.person, name: 'Someone Else' } },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.caseId).toBe(first.body.caseId);
    const read = await stack.call('GET', `/cases/${first.body.caseId}`);
    expect(read.body.person.name).toBe('Test Person');
  });

  it('rejects a bad body naming every bad field, and starts nothing', async () => {
    const body = newCaseBody({
      homeOfficeRef: 'nope',
      claimDate: '2026-02-30',
      cohort: { supportedAccommodation: 'yes' },
    });
    const res = await stack.call('POST', '/cases', { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad request' });
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'homeOfficeRef',
        'claimDate',
        'cohort.supportedAccommodation',
        'cohort.foreignNationalOffender',
        'cohort.detained',
      ]),
    );
    const count = await stack.client.workflow.count(
      `TaskQueue = '${stack.config.temporal.taskQueue}' AND CaseRefs = 'nope'`,
    );
    expect(count.count).toBe(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await stack.call('POST', '/cases', {
      body: '{"homeOfficeRef":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
  });

  it('needs a valid token (401) with a role allowed to open cases (403)', async () => {
    expect((await stack.call('POST', '/cases', { role: null, body: newCaseBody() })).status).toBe(401);
    expect(
      (
        await stack.call('POST', '/cases', {
          body: newCaseBody(),
          headers: { authorization: 'Bearer not.a.jwt' },
          role: null,
        })
      ).status,
    ).toBe(401);
    const res = await stack.call('POST', '/cases', { role: 'auditor', body: newCaseBody() });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('auditor');
  });
});

describe('GET /cases/:caseId', () => {
  it('answers 404 for an unknown or malformed case id', async () => {
    expect((await stack.call('GET', '/cases/AC-0000000000ZZ')).status).toBe(404);
    expect((await stack.call('GET', '/cases/whatever')).status).toBe(404);
  });
});

describe('POST /cases/:caseId/events', () => {
  it('applies claim.screened through an update and bumps the version', async () => {
    const caseId = await openCase();
    const res = await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.screened' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stage: 'claim', status: 'screened', version: 1 });
    expect(res.body.allowedEvents).not.toContain('claim.screened');
    expect((await stack.call('GET', `/cases/${caseId}`)).body).toMatchObject({ status: 'screened', version: 1 });
  });

  it('records the actor (sub and role) of every change in the workflow history', async () => {
    const caseId = await openCase();
    const token = await stack.token('caseworker', 'alice');
    const res = await fetch(`${stack.baseUrl}/cases/${caseId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'claim.screened' }),
    });
    expect(res.status).toBe(200);
    const history = await stack.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const accepted = (history.events ?? []).flatMap((e) =>
      e.workflowExecutionUpdateAcceptedEventAttributes ? [e.workflowExecutionUpdateAcceptedEventAttributes] : [],
    );
    expect(accepted).toHaveLength(1);
    // Stored encrypted (#19): read through the client's own codec.
    const [codec] = stack.client.options.loadedDataConverter.payloadCodecs;
    const [payload] = await codec!.decode([accepted[0]!.acceptedRequest!.input!.args!.payloads![0]!]);
    expect(JSON.parse(Buffer.from(payload!.data!).toString())).toMatchObject({
      event: { type: 'claim.screened' },
      actor: { id: 'alice', role: 'caseworker' },
    });
  });

  it('refuses an event not allowed now with 409 and the allowed events, leaving history untouched', async () => {
    const caseId = await openCase();
    await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.screened' } });
    // Let every delivery settle first (the Home Office's, and the reporting model's, which the case's
    // sync does not show): each adds its own events to history, and so does the task that records it.
    await eventually(async () => {
      const { raw } = await stack.client.workflow.getHandle(caseWorkflowId(caseId)).describe();
      const delivered = (await stack.call('GET', `/cases/${caseId}`)).body.sync.homeOffice.delivered === 1;
      return delivered && (raw.pendingActivities ?? []).length === 0 ? true : undefined;
    });
    const before = await settledHistoryLength(stack.client, caseWorkflowId(caseId));
    const res = await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.screened' } });
    expect(res.status).toBe(409);
    expect(res.body.allowedEvents).toEqual(expect.arrayContaining(['claim.interviewed', 'decision.refused']));
    expect(res.body.allowedEvents).not.toContain('claim.screened');
    expect(await historyLength(stack.client, caseWorkflowId(caseId))).toBe(before);
  });

  it('refuses an event the role may not send with 403', async () => {
    const caseId = await openCase();
    const res = await stack.call('POST', `/cases/${caseId}/events`, {
      role: 'tribunal',
      body: { type: 'claim.screened' },
    });
    expect(res.status).toBe(403);
    expect((await stack.call('GET', `/cases/${caseId}`)).body.version).toBe(0);
  });

  it('answers 400 naming the field for a bad event body, and 404 for an unknown case', async () => {
    const caseId = await openCase();
    const bad = await stack.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'decision.granted', grant: 'maybe' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('grant');
    const unknownType = await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.teleported' } });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.errors[0].field).toBe('type');
    expect(
      (await stack.call('POST', '/cases/AC-0000000000ZZ/events', { body: { type: 'claim.screened' } })).status,
    ).toBe(404);
  });

  it('applies the same Idempotency-Key once, also when sent concurrently', async () => {
    const caseId = await openCase();
    const headers = { 'idempotency-key': `screen-${caseId}` };
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.screened' }, headers })),
    );
    for (const res of [a, b, c]) expect(res!.status).toBe(200);
    expect(new Set([a, b, c].map((r) => r!.body.version))).toEqual(new Set([1]));
    const later = await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.screened' }, headers });
    expect(later.status).toBe(200);
    expect(later.body.version).toBe(1);
    expect((await stack.call('GET', `/cases/${caseId}`)).body.version).toBe(1);
  });
});
