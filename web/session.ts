/**
 * Sign-in for the pages: the signed token the API takes, kept in an HttpOnly, SameSite=Strict
 * cookie. Locally the sign-in page issues a dev token for the role chosen; in production this is
 * the seam where the department's single sign-on hands over its token (see docs/pages.md).
 * SameSite=Strict plus an Origin check on every form post keeps other sites from posting as you.
 */
import type { NextFunction, Request, Response } from 'express';
import { parse, serialize } from 'cookie';

const COOKIE = 'case_tracker_token';

export function tokenOf(req: Request): string | undefined {
  return parse(req.headers.cookie ?? '')[COOKIE];
}

export function setToken(res: Response, token: string, secure: boolean): void {
  res.append(
    'Set-Cookie',
    serialize(COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure, maxAge: 12 * 3600 }),
  );
}

export function clearToken(res: Response): void {
  res.append('Set-Cookie', serialize(COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 }));
}

/**
 * Form posts only from our own pages. Browsers say where a request comes from in Sec-Fetch-Site;
 * Origin is the fallback (it reads "null" under the no-referrer policy helmet sets, so it cannot
 * be the only check).
 */
export function sameOrigin(req: Request, res: Response, next: NextFunction): void {
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const foreign = site
    ? site !== 'same-origin' && site !== 'none'
    : !!origin && origin !== 'null' && origin !== `${req.protocol}://${req.get('host')}`;
  if (req.method === 'POST' && foreign) {
    res.status(403).type('text').send('Forms are accepted from this service only.');
    return;
  }
  next();
}
