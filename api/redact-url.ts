/**
 * A request's URL as the logs may keep it: every query value replaced (a search by `ref`, a sign-in's
 * `next` that carries one), and every path segment that is a person's reference (`/people/<ref>`, or
 * one in a reference's own format) replaced too. Parameter names and the rest of the path stay, so a
 * log line still says which route was asked and how.
 */
import {
  isCourtCaseNumber,
  isGwf,
  isHmctsRef,
  isHomeOfficeRef,
  isPnc,
  isPrisonNumber,
  isUan,
} from '../domain/index.js';

export const REDACTED = '[redacted]';

/** A person's reference in one of its own formats (not a case id: that is ours, a pseudonym). */
const isPersonReference = (s: string) =>
  [isHomeOfficeRef, isUan, isGwf, isHmctsRef, isCourtCaseNumber, isPnc, isPrisonNumber].some((is) => is(s));

/** Route segments after which the next segment is always a person's reference, whatever its format. */
const REFERENCE_AFTER = new Set(['people']);

export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  const query = at < 0 ? undefined : url.slice(at + 1);
  const segments = path.split('/');
  const redactedPath = segments
    .map((segment, i) => {
      if (i > 0 && REFERENCE_AFTER.has(segments[i - 1]!.toLowerCase()) && segment !== '') return REDACTED;
      return isPersonReference(decoded(segment)) ? REDACTED : segment;
    })
    .join('/');
  if (query === undefined) return redactedPath;
  const redactedQuery = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      // A name alone is kept unless it is itself a reference (`?H1234567`).
      const safeName = isPersonReference(decoded(name.replace(/\+/g, ' '))) ? REDACTED : name;
      return eq < 0 ? safeName : `${safeName}=${REDACTED}`;
    })
    .join('&');
  return `${redactedPath}?${redactedQuery}`;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
