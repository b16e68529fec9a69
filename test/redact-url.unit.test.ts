/** Request logs keep no query value and no person's reference in the path (#19). */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../api/redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['/cases?ref=H1234567', '/cases?ref=[redacted]'],
    ['/cases?ref=H1234567&stage=claim&pageSize=25', '/cases?ref=[redacted]&stage=[redacted]&pageSize=[redacted]'],
    ['/people/1234-5678-9012-3456', '/people/[redacted]'],
    ['/people/12%2F345678U', '/people/[redacted]'],
    ['/people/some-local-ref', '/people/[redacted]'],
    ['/app/sign-in?next=%2Fapp%2Fcases%3Fref%3DH1234567', '/app/sign-in?next=[redacted]'],
    ['/cases?H1234567', '/cases?[redacted]'],
    ['/somewhere/GWF123456789/else', '/somewhere/[redacted]/else'],
    ['/somewhere/PA%2F50001%2F2026', '/somewhere/[redacted]'],
  ])('%s → %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it('keeps what carries no reference: case ids (pseudonyms), routes, names of parameters', () => {
    for (const url of ['/cases/AC-0K3P9T2M4Q7R/timeline', '/reports/summary', '/imports?dryRun', '/healthz'])
      expect(redactUrl(url)).toBe(url);
  });
});
