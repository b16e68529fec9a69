/**
 * Personal data encrypted before it leaves the process for Temporal (#19): a payload codec, so every
 * payload the SDK sends (a case's input, each update and its answer, queries, activity arguments and
 * results, memos, failure details) is stored and shown by Temporal as ciphertext. AES-256-GCM from
 * Node's own crypto: authenticated, so a payload altered in the database fails to decode instead
 * of decoding to something else.
 *
 * Keys have ids so they rotate: each encrypted payload names the id of its key in its metadata;
 * encode uses the current key, decode finds the key by the id the payload names. A payload that is
 * not encrypted (recorded before the codec) passes through, so every old history still replays.
 * The codec runs outside the workflow sandbox (in the client and in the worker around it).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS without named-export hints.
const { temporal } = proto;

/** The encoding an encrypted payload declares: what Temporal's UI shows for it. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata key naming the key an encrypted payload was sealed with. */
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export interface PayloadKeyring {
  /** The id new payloads are encrypted under. */
  currentKeyId: string;
  /** Every key still needed to read a history, by id (the current one among them). */
  keys: Readonly<Record<string, Uint8Array>>;
}

/** A payload that cannot be decrypted: names the key id and why, never any key material. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/**
 * The key id is authenticated with the ciphertext, so a payload whose metadata is changed to name
 * another key fails rather than being tried under it.
 */
const associatedData = (keyId: string) => utf8.encode(`${ENCRYPTED_ENCODING};${keyId}`);

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {
    const current = keyring.keys[keyring.currentKeyId];
    if (!current) throw new Error(`the current payload key id ${keyring.currentKeyId} names no key`);
    for (const [id, key] of Object.entries(keyring.keys))
      if (key.length !== KEY_BYTES) throw new Error(`payload key ${id} is not ${KEY_BYTES} bytes`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.seal(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.open(p));
  }

  private seal(payload: Payload): Payload {
    const keyId = this.keyring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.keys[keyId]!, iv);
    cipher.setAAD(associatedData(keyId));
    // The whole payload, metadata too: its encoding would say what kind of value it holds.
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(keyId) },
      data: sealed,
    };
  }

  private open(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    // Not ours: a payload recorded before the codec, passed through so old histories replay.
    if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!idBytes) throw new PayloadDecryptionError(`an encrypted payload names no key id (${KEY_ID_METADATA})`);
    const keyId = text.decode(idBytes);
    const key = this.keyring.keys[keyId];
    if (!key)
      throw new PayloadDecryptionError(
        `a payload is encrypted under key id "${keyId}", which PAYLOAD_KEYS does not hold (keep old ids until their histories are gone)`,
      );
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`an encrypted payload under key id "${keyId}" is too short to be one`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `a payload under key id "${keyId}" failed authentication: altered, or sealed with another key of that id`,
      );
    }
    const inner = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: { ...inner.metadata }, data: inner.data };
  }
}
