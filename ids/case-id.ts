/**
 * The case id, shared by the API (which opens cases) and the import activity (which brings them
 * in). Here rather than in domain/ because it hashes with node:crypto, which the workflow sandbox
 * does not have.
 */
import { createHash } from 'node:crypto';
import { formatCaseId } from '../domain/index.js';

/**
 * Our case id is derived from the Home Office reference, so the workflow id itself enforces
 * "one case per HO reference" without a second database or a race between check and start.
 * The API opens cases with it and the import brings them in with it: one derivation.
 */
export function caseIdFor(homeOfficeRef: string): string {
  return formatCaseId(createHash('sha256').update(`ho-ref:${homeOfficeRef}`).digest());
}
