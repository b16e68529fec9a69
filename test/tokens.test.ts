/**
 * Tokens as the contract's second edition has them: audience, expiry and issue time required, at
 * most 12 hours' life, HS256 only with the local secret; a system's integration token names its
 * system, sends only that system's events, opens cases only for the Home Office, reads a case
 * without the person and nothing else; the systems' actor ids are kept from people's tokens.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.js';

const stack = useStack();

/** A token signed with the stack's secret, with exactly the claims given. */
async function raw(claims: Record<string, unknown>, build: (j: SignJWT) => SignJWT = (j) => j) {
  const jwt = build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }));
  return jwt.sign(new TextEncoder().encode(stack.config.auth.jwtSecret));
}
const now = () => Math.floor(Date.now() / 1000);
async function status(token: string, path = '/cases?pageSize=1') {
  const res = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}
const good = { role: 'supervisor', sub: 'sam', iss: 'asylum-case-tracker', aud: 'asylum-case-tracker' };

describe('a token', () => {
  it('is accepted with its audience, issuer, issue time and an expiry within 12 hours', async () => {
    expect((await status(await raw({ ...good, iat: now(), exp: now() + 3600 }))).status).toBe(200);
  });

  it.each([
    ['without exp', { ...good, iat: now() }],
    ['without iat', { ...good, exp: now() + 3600 }],
    ['without aud', { ...good, aud: undefined, iat: now(), exp: now() + 3600 }],
    ['for another audience', { ...good, aud: 'someone-else', iat: now(), exp: now() + 3600 }],
    ['from another issuer', { ...good, iss: 'someone-else', iat: now(), exp: now() + 3600 }],
    ['living over 12 hours', { ...good, iat: now(), exp: now() + 12 * 3600 + 60 }],
    ['of a person under a system’s name', { ...good, sub: 'hmcts', iat: now(), exp: now() + 3600 }],
    ['of a person under the workflow’s name', { ...good, sub: 'workflow', iat: now(), exp: now() + 3600 }],
    ['of an integration without its system', { ...good, role: 'integration', iat: now(), exp: now() + 3600 }],
    [
      'of an integration naming no known system',
      { ...good, role: 'integration', system: 'atlas', iat: now(), exp: now() + 3600 },
    ],
  ])('is refused %s (401)', async (_name, claims) => {
    const res = await status(await raw(claims));
    expect(res.status).toBe(401);
    expect(res.body.type).toMatch(/unauthenticated/);
  });

  it('signed with another algorithm than HS256 is refused', async () => {
    const token = await new SignJWT({ ...good, iat: now(), exp: now() + 3600 })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(stack.config.auth.jwtSecret));
    expect((await status(token)).status).toBe(401);
  });
});

describe("a system's integration token", () => {
  const as = (system: 'home-office' | 'hmcts') => stack.token('integration', `${system}-feed`, system);
  async function call(system: 'home-office' | 'hmcts', method: string, path: string, body?: unknown) {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await as(system)}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
  }

  it('sends only its own system’s events, reads a case without the person, and nothing else', async () => {
    const caseId = await stack.openCase();
    const refused = await call('home-office', 'POST', `/cases/${caseId}/events`, { type: 'decision.refused' });
    expect(refused.status).toBe(200);
    expect(refused.body.person).toBeUndefined();
    expect(refused.body.allowedEvents).not.toContain('appeal.lodged');
    // The Home Office may not lodge an appeal; HMCTS may.
    const foreign = await call('home-office', 'POST', `/cases/${caseId}/events`, { type: 'appeal.lodged' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.detail).toBe('home-office does not report appeal.lodged');
    const lodged = await call('hmcts', 'POST', `/cases/${caseId}/events`, { type: 'appeal.lodged' });
    expect(lodged.status).toBe(200);
    // HMCTS may not grant asylum.
    expect(
      (await call('hmcts', 'POST', `/cases/${caseId}/events`, { type: 'decision.granted', grant: 'refugee' })).status,
    ).toBe(403);
    const read = await call('hmcts', 'GET', `/cases/${caseId}`);
    expect(read.status).toBe(200);
    expect(read.body.person).toBeUndefined();
    expect(read.body.stage).toBe('appeal');
    expect((await call('hmcts', 'GET', `/cases/${caseId}/timeline`)).status).toBe(403);
    expect((await call('home-office', 'GET', '/cases?pageSize=1')).status).toBe(403);
    expect((await call('home-office', 'GET', '/reports/summary')).status).toBe(403);
  });

  it('opens a case for the Home Office only', async () => {
    const { newCaseBody } = await import('./harness.js');
    const opened = await call('home-office', 'POST', '/cases', newCaseBody());
    expect(opened.status).toBe(201);
    expect(opened.body.person).toBeUndefined();
    expect((await call('hmcts', 'POST', '/cases', newCaseBody())).status).toBe(403);
  });
});
