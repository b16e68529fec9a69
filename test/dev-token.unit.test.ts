/**
 * A dev token's lifetime, against a clock that moves while it is signed: the signer reads the
 * clock once for the expiry and once for the issue time, and a second passing between them made
 * a 12-hour token live 12 hours and 1 second, which the verifier refuses (401s, now and then, in
 * full test runs). Here every read of the clock is a second later than the one before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createAuth, signDevToken } from '../api/auth.js';

const auth = {
  jwtSecret: 'a-local-secret-of-at-least-32-characters!',
  issuer: 'test-issuer',
  audience: 'test-audience',
};
const RealDate = Date;
afterEach(() => {
  globalThis.Date = RealDate;
});

/** A Date whose every "now" is one second after the last. */
function aClockThatMoves() {
  let now = RealDate.now();
  globalThis.Date = class extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length > 0) super(...(args as [number]));
      else super((now += 1_000));
    }
    static override now() {
      return (now += 1_000);
    }
  } as DateConstructor;
}

describe('a dev token', () => {
  it('lives at most 12 hours however the clock moves while it is signed, and verifies', async () => {
    aClockThatMoves();
    const token = await signDevToken({ role: 'caseworker', sub: 'cw-1' }, auth);
    const { iat, exp } = decodeJwt(token);
    expect(exp! - iat!).toBeLessThanOrEqual(12 * 60 * 60);
    globalThis.Date = RealDate;
    expect(await createAuth(auth).verify(token)).toEqual({ sub: 'cw-1', role: 'caseworker' });
  });

  it('verified once is taken again without its signature checked, but never past its expiry', async () => {
    const verifier = createAuth(auth);
    const token = await signDevToken({ role: 'tribunal', sub: 'tj-1' }, auth, '2s');
    expect(await verifier.verify(token)).toEqual({ sub: 'tj-1', role: 'tribunal' });
    expect(await verifier.verify(token)).toEqual({ sub: 'tj-1', role: 'tribunal' });
    const { exp } = decodeJwt(token);
    // The clock at the token's expiry, as both the cache and jose read it.
    globalThis.Date = class extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length > 0) super(...(args as [number]));
        else super(exp! * 1000);
      }
      static override now() {
        return exp! * 1000;
      }
    } as DateConstructor;
    expect(await verifier.verify(token)).toMatch(/not valid/);
  });
});
