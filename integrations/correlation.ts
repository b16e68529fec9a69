/**
 * A correlation id a system can match a message by, derived from our message key: a retry of the
 * same message carries the same id (so a repeat looks like a repeat to the receiver, and its
 * acknowledgement names the id the first attempt sent). A name-based UUID (RFC 9562 version 5,
 * SHA-1 over a namespace of ours and the key): `node:crypto` is why this lives here, not in domain/.
 */
import { createHash } from 'node:crypto';

/** The tracker's namespace for name-based UUIDs: fixed forever, or every id changes. */
export const TRACKER_NAMESPACE = '153ae766-b591-42f4-aca0-494ec7722aec';

export function nameBasedUuid(name: string, namespace = TRACKER_NAMESPACE): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // the RFC's variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The correlation id of one of our messages, by its idempotency key. */
export const correlationIdOf = (key: string) => nameBasedUuid(key);
