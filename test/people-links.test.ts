/**
 * A person across cases, end to end: two cases linked as the same person show the link on both
 * (the other case's by the workflow's own update), a person's record by either case's reference
 * lists both, more references (a PNC ID) make a case findable, and a link made just before the worker
 * is SIGKILLed still reaches the other case, exactly once. The worker is a process of its own here.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pnc, type CaseState } from '../domain/index.js';
import { caseStateQuery, caseWorkflowId } from '../workflows/messages.js';
import { useStack } from './harness.js';
import { eventually } from './systems.js';

const stack = useStack({ workerProcess: true });

const post = (caseId: string, body: Record<string, unknown>, options: { key?: string; role?: 'tribunal' } = {}) =>
  stack.call('POST', `/cases/${caseId}/events`, {
    role: options.role ?? 'caseworker',
    body,
    headers: { 'idempotency-key': options.key ?? randomUUID() },
  });
const read = async (caseId: string) => (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
const person = (ref: string) => stack.call('GET', `/people/${encodeURIComponent(ref)}`, { role: 'supervisor' });
const timelineTypes = async (caseId: string) =>
  ((await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'auditor' })).body.entries as any[]).map(
    (e) => e.type,
  );
const stateOf = (caseId: string): Promise<CaseState> =>
  stack.client.workflow.getHandle(caseWorkflowId(caseId)).query(caseStateQuery);
/** The other case shows the link, once. */
const linkArrives = (caseId: string, from: string) =>
  eventually(
    async () => {
      const links = (await read(caseId)).links as Array<{ caseId: string }>;
      return links.some((l) => l.caseId === from) ? links : undefined;
    },
    60_000,
    `the link on ${caseId}`,
  );

describe('linking cases', () => {
  it('both cases show a same-person link, and the person by either reference lists both', async () => {
    const a = await stack.openFindableCase();
    const b = await stack.openFindableCase();
    const linked = await post(a.caseId, { type: 'case.linked', caseId: b.caseId, relation: 'same-person' });
    expect(linked.status).toBe(200);
    expect(linked.body.links).toEqual([{ caseId: b.caseId, relation: 'same-person' }]);

    expect(await linkArrives(b.caseId, a.caseId)).toEqual([{ caseId: a.caseId, relation: 'same-person' }]);
    // Recorded there by the workflow, as the link's other side, and not sent back.
    const entries = (await stack.call('GET', `/cases/${b.caseId}/timeline`, { role: 'auditor' })).body.entries;
    expect(entries.map((e: any) => [e.type, e.actor])).toEqual([
      ['case.link-recorded', { id: a.caseId, role: 'system' }],
    ]);
    expect(await timelineTypes(a.caseId)).toEqual(['case.linked']);

    for (const ref of [a.homeOfficeRef, b.homeOfficeRef, a.caseId]) {
      const res = await person(ref);
      expect(res.status, ref).toBe(200);
      expect(res.body.cases.map((c: any) => c.caseId).sort(), ref).toEqual([a.caseId, b.caseId].sort());
      expect(res.body.totals.cases).toBe(2);
      expect(res.body.complete).toBe(true);
      expect(res.body.identifiers).toEqual(
        expect.arrayContaining([
          { kind: 'homeOfficeRef', value: a.homeOfficeRef },
          { kind: 'homeOfficeRef', value: b.homeOfficeRef },
        ]),
      );
    }
    const fromA = (await person(a.homeOfficeRef)).body.cases.find((c: any) => c.caseId === a.caseId);
    expect(fromA.links).toEqual([{ caseId: b.caseId, relation: 'same-person' }]);
  });

  it('a family link shows on both cases, and a person’s record does not follow it', async () => {
    const a = await stack.openFindableCase();
    const b = await stack.openCase();
    expect(
      (await post(a.caseId, { type: 'case.linked', caseId: b, relation: 'family' }, { role: 'tribunal' })).status,
    ).toBe(200);
    await linkArrives(b, a.caseId);
    expect((await person(a.homeOfficeRef)).body.cases.map((c: any) => c.caseId)).toEqual([a.caseId]);
  });

  it('links a pair once: the same request again gets the same answer, another is refused; itself and unknown cases too', async () => {
    const a = await stack.openCase();
    const b = await stack.openCase();
    const event = { type: 'case.linked', caseId: b, relation: 'dependant' };
    const first = await post(a, event, { key: 'link-once' });
    const retry = await post(a, event, { key: 'link-once' });
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(first.body.version);
    const again = await post(a, { ...event, relation: 'family' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`already linked to ${b} (dependant)`);
    // From the other side, once the link has arrived there, it is the same pair.
    await linkArrives(b, a);
    expect((await post(b, { type: 'case.linked', caseId: a, relation: 'dependant' })).status).toBe(409);

    const self = await post(a, { type: 'case.linked', caseId: a, relation: 'family' });
    expect(self.status).toBe(409);
    expect(self.body.detail).toContain('itself');
    const unknown = await post(a, { type: 'case.linked', caseId: 'AC-0000000000ZZ', relation: 'family' });
    expect(unknown.status).toBe(409);
    expect(unknown.body).toMatchObject({
      type: expect.stringContaining('other-case-not-found'),
      caseId: 'AC-0000000000ZZ',
    });
    const malformed = await post(a, { type: 'case.linked', caseId: 'AC-1', relation: 'family' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: any) => e.field)).toEqual(['caseId']);

    // A link back's update id is the workflow's own: no client key may take one.
    const reserved = await post(b, { type: 'case.assigned', assignee: 'x' }, { key: `link:${a}:9` });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors[0].field).toBe('Idempotency-Key');

    expect((await read(a)).links).toEqual([{ caseId: b, relation: 'dependant' }]);
    expect((await read(b)).links).toEqual([{ caseId: a, relation: 'dependant' }]);
    expect(await timelineTypes(a)).toEqual(['case.linked']);
    expect(await timelineTypes(b)).toEqual(['case.link-recorded']);
  });
});

describe('more references', () => {
  it('a PNC ID makes the case findable by search and the person by it; a wrong check letter is a 400 naming pnc', async () => {
    const { caseId } = await stack.openFindableCase();
    const id = pnc(26, randomInt(1, 10_000_000));
    const prisonNumber = `P${String(randomInt(10_000)).padStart(4, '0')}XY`;
    const res = await post(caseId, { type: 'case.identified', pnc: id, prisonNumber });
    expect(res.status).toBe(200);
    expect(res.body.identifiers).toMatchObject({ pnc: id, prisonNumber });

    const found = await eventually(
      async () => {
        const r = await stack.call('GET', `/cases?ref=${encodeURIComponent(id)}`, { role: 'supervisor' });
        return r.body.cases?.length === 1 ? r.body.cases : undefined;
      },
      15_000,
      'the case by its PNC ID',
    );
    expect(found[0]).toMatchObject({ caseId, refs: expect.arrayContaining([id, prisonNumber]) });
    for (const ref of [id, prisonNumber]) {
      const p = await person(ref);
      expect(p.status, ref).toBe(200);
      expect(p.body.cases.map((c: any) => c.caseId)).toEqual([caseId]);
      expect(p.body.cases[0].identifiers).toEqual(
        expect.arrayContaining([
          { kind: 'pnc', value: id },
          { kind: 'prisonNumber', value: prisonNumber },
        ]),
      );
    }

    const wrongLetter = id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
    const bad = await post(caseId, { type: 'case.identified', pnc: wrongLetter });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'pnc', message: 'has the wrong check letter for its year and serial' }]);
    const none = await post(caseId, { type: 'case.identified' });
    expect(none.status).toBe(400);
    expect(none.body.errors[0].field).toBe('pnc');
    expect(none.body.errors[0].message).toContain('prisonNumber or localAuthorityRef');
    expect((await person('12/345678U')).status).toBe(404);
  });
});

describe('a link made just before the worker dies', () => {
  it('reaches the other case after a restart, exactly once', { timeout: 180_000 }, async () => {
    const a = await stack.openCase();
    const b = await stack.openCase();
    expect((await post(a, { type: 'case.linked', caseId: b, relation: 'same-person' })).status).toBe(200);
    await stack.killWorker(); // SIGKILL, right after the change was accepted: the link back is owed, in flight or done
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.startWorker();
    expect(await linkArrives(b, a)).toEqual([{ caseId: a, relation: 'same-person' }]);
    await eventually(
      async () => ((await stateOf(a)).linkBacks?.length === 0 ? true : undefined),
      60_000,
      'nothing owed',
    );
    expect(await timelineTypes(b)).toEqual(['case.link-recorded']);
    expect((await read(b)).links).toHaveLength(1);
  });
});
