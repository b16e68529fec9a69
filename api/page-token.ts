/**
 * Paging tokens handed to clients are the server's own token, sealed with an HMAC over it and the
 * query it belongs to. A token that was not ours, was altered, or is replayed with other filters
 * is refused at once as a 400, instead of reaching Temporal (which retries what it cannot parse).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function pageTokenSealer(secret: string) {
  const key = createHmac('sha256', secret).update('page-token/v1').digest();
  const mac = (query: string, token: Buffer) =>
    createHmac('sha256', key).update(query).update('\0').update(token).digest().subarray(0, 16);
  return {
    seal(token: Uint8Array, query: string): string {
      const raw = Buffer.from(token);
      return `${raw.toString('base64url')}.${mac(query, raw).toString('base64url')}`;
    },
    /** The server's token, or undefined when this one is not a seal of ours for this query. */
    open(sealed: string, query: string): Buffer | undefined {
      const [body, tag] = sealed.split('.');
      if (!body || !tag) return undefined;
      const raw = Buffer.from(body, 'base64url');
      const given = Buffer.from(tag, 'base64url');
      const expected = mac(query, raw);
      return given.length === expected.length && timingSafeEqual(given, expected) ? raw : undefined;
    },
  };
}

export type PageTokenSealer = ReturnType<typeof pageTokenSealer>;
