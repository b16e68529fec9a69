/** The exported record of a case, and the single record per person. */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.js';
import { daysAgo } from './dates.js';
import { eventually } from './systems.js';

const stack = useStack();

const post = (caseId: string, role: 'caseworker' | 'tribunal', body: Record<string, unknown>) =>
  stack.call('POST', `/cases/${caseId}/events`, { role, body });

describe('GET /cases/:caseId/record', () => {
  it('exports the case and every change as JSON and as a printable page, escaping what people typed', async () => {
    const caseId = await stack.openCase({
      person: { name: '<script>alert(1)</script> Amira', dateOfBirth: '1991-02-03', nationality: 'SDN' },
    });
    await post(caseId, 'caseworker', { type: 'claim.screened' });
    await post(caseId, 'caseworker', { type: 'case.assigned', assignee: 'dana' });
    const json = await stack.call('GET', `/cases/${caseId}/record`, { role: 'auditor' });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ case: { caseId, status: 'screened', assignee: 'dana' }, runs: 1 });
    expect(json.body.timeline.map((e: any) => e.type)).toEqual(['claim.screened', 'case.assigned']);

    const res = await fetch(`${stack.baseUrl}/cases/${caseId}/record?format=html`, {
      headers: { authorization: `Bearer ${await stack.token('auditor')}` },
    });
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain(`Case record ${caseId}`);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Amira');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('claim.screened');
    expect((await stack.call('GET', `/cases/${caseId}/record`, { role: 'integration' })).status).toBe(403);
  });
});

describe('GET /people/:ref', () => {
  it('gathers every case of one person by UAN, counting claims, repeat appeals and abscondings', async () => {
    const uan = `${String(Date.now()).slice(-4)}-1111-2222-${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const first = await stack.openCase({ uan });
    const second = await stack.openCase({ uan });
    await post(first, 'caseworker', { type: 'person.absconded' });
    await post(first, 'caseworker', { type: 'person.reported' });
    for (const step of [
      ['caseworker', { type: 'decision.refused' }],
      ['tribunal', { type: 'appeal.lodged' }],
      ['tribunal', { type: 'tribunal.listed', hearingDate: daysAgo(40) }],
      ['tribunal', { type: 'tribunal.determined', outcome: 'dismissed', determinedOn: daysAgo(30) }],
    ] as const)
      expect((await post(second, step[0], step[1])).status).toBe(200);
    await eventually(
      async () =>
        (await stack.call('GET', `/cases/${second}`)).body.status === 'appeal-rights-exhausted' ? true : undefined,
      20_000,
      'rights exhausted',
    );
    await post(second, 'caseworker', { type: 'further-submissions.lodged', freshClaim: true });
    await post(second, 'caseworker', { type: 'decision.refused' });
    await post(second, 'tribunal', { type: 'appeal.lodged' });

    const person = await eventually(
      async () => {
        const res = await stack.call('GET', `/people/${uan}`, { role: 'supervisor' });
        return res.status === 200 && res.body.totals.cases === 2 ? res.body : undefined;
      },
      15_000,
      'both cases',
    );
    expect(person.totals).toEqual({ cases: 2, claims: 3, appeals: 2, repeatAppeals: 1, abscondings: 1 });
    expect(person.cases.map((c: any) => c.caseId).sort()).toEqual([first, second].sort());
    const today = daysAgo(0); // periods are London dates, as the tribunal counts days
    expect(person.cases.find((c: any) => c.caseId === first).abscondingPeriods).toEqual([{ from: today, to: today }]);
    expect(person.people).toHaveLength(1);
    expect((await stack.call('GET', '/people/0000-0000-0000-0001', { role: 'supervisor' })).status).toBe(404);
    expect((await stack.call('GET', '/people/not-a-ref', { role: 'supervisor' })).status).toBe(404);
  });
});
