/** The payload codec (#19): AES-256-GCM with keys by id, and the settings that configure it. */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA } from '../config/payload-codec.js';

const person = { name: 'Ōla Nørdmann-Ğül', dateOfBirth: '1990-04-01', nationality: 'ERI' };
const toPayload = (v: unknown) => defaultPayloadConverter.toPayload(v)!;
const fromPayload = (p: Payload) => defaultPayloadConverter.fromPayload(p);
const bytes = (p: Payload) => Buffer.concat([...Object.values(p.metadata ?? {}), p.data ?? new Uint8Array()]);
const meta = (p: Payload, key: string) => Buffer.from(p.metadata?.[key] ?? []).toString();

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('the payload codec', () => {
  it('round-trips a value, and what it encodes holds none of it in clear', async () => {
    const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: { k1 } });
    const [sealed] = await codec.encode([toPayload(person)]);
    expect(meta(sealed!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(sealed!, KEY_ID_METADATA)).toBe('k1');
    const raw = bytes(sealed!);
    for (const clear of [person.name, JSON.stringify(person.name), person.dateOfBirth, 'json/plain'])
      expect(raw.includes(Buffer.from(clear))).toBe(false);
    const [opened] = await codec.decode([sealed!]);
    expect(fromPayload(opened!)).toEqual(person);
    expect(meta(opened!, 'encoding')).toBe('json/plain');
  });

  it('encrypts the same value differently each time (a fresh nonce per payload)', async () => {
    const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: { k1 } });
    const [a, b] = await codec.encode([toPayload(person), toPayload(person)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates: after the current key changes, payloads under the old id still decode; new ones use the new id', async () => {
    const before = new EncryptionCodec({ currentKeyId: 'k1', keys: { k1 } });
    const [old] = await before.encode([toPayload(person)]);
    const after = new EncryptionCodec({ currentKeyId: 'k2', keys: { k1, k2 } });
    const [fresh] = await after.encode([toPayload('new')]);
    expect(meta(fresh!, KEY_ID_METADATA)).toBe('k2');
    const [a, b] = await after.decode([old!, fresh!]);
    expect(fromPayload(a!)).toEqual(person);
    expect(fromPayload(b!)).toBe('new');
  });

  it('refuses a tampered ciphertext, and a key id changed in the metadata', async () => {
    const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: { k1, k2 } });
    const [sealed] = await codec.encode([toPayload(person)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20]! ^= 0x01;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(
      /key id "k1" failed authentication: altered/,
    );
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/key id "k2" failed authentication/);
  });

  it('names an unknown key id clearly, without any key material', async () => {
    const [sealed] = await new EncryptionCodec({ currentKeyId: 'gone', keys: { gone: k1 } }).encode([
      toPayload(person),
    ]);
    const codec = new EncryptionCodec({ currentKeyId: 'k2', keys: { k2 } });
    const error = await codec.decode([sealed!]).catch((e: Error) => e);
    expect(String(error)).toMatch(/encrypted under key id "gone", which PAYLOAD_KEYS does not hold/);
    expect(String(error)).not.toContain(k2.toString('base64'));
  });

  it('passes a payload that is not encrypted (recorded before the codec) through unchanged', async () => {
    const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: { k1 } });
    const plain = toPayload(person);
    const [same] = await codec.decode([plain]);
    expect(same).toBe(plain);
    expect(fromPayload(same!)).toEqual(person);
  });
});

describe('its settings (fail closed)', () => {
  const own = {
    JWT_SECRET: 'a-secret-of-our-own-0123456789abcdef-xyz',
    HMCTS_WEBHOOK_SECRET: 'hmcts-secret-of-our-own-0123',
    HOME_OFFICE_WEBHOOK_SECRET: 'home-office-secret-of-our-own-0123',
    PAYLOAD_KEYS: `2026-01:${k1.toString('base64')}, 2026-06:${k2.toString('base64')}`,
    PAYLOAD_KEY_ID: '2026-06',
  };

  it('reads keys by id and the current id; the client and worker converter encrypts with it', async () => {
    const r = loadConfig(own);
    if (!r.ok) throw new Error(r.error);
    expect(r.config.payloadKeyring?.currentKeyId).toBe('2026-06');
    expect(Object.keys(r.config.payloadKeyring!.keys)).toEqual(['2026-01', '2026-06']);
    const [codec] = dataConverter(r.config).payloadCodecs!;
    const [sealed] = await codec!.encode([toPayload(person)]);
    expect(meta(sealed!, KEY_ID_METADATA)).toBe('2026-06');
  });

  it('outside local mode refuses a start without keys of its own, or with the dev key among them, naming PAYLOAD_KEYS', () => {
    for (const env of [
      { ...own, PAYLOAD_KEYS: undefined, PAYLOAD_KEY_ID: undefined },
      {
        ...own,
        PAYLOAD_KEYS: `${own.PAYLOAD_KEYS},dev:${Buffer.from('dev-only-payload-key-change-me!!').toString('base64')}`,
      },
    ]) {
      const r = loadConfig(env);
      expect(!r.ok && r.error).toMatch(/PAYLOAD_KEYS: outside local mode \(LOCAL_MODE=1\) set keys of your own/);
    }
    const local = loadConfig({ LOCAL_MODE: '1' });
    expect(local.ok && local.config.payloadKeyring?.currentKeyId).toBe('dev');
  });

  it('refuses a current id naming no key, a key not 32 bytes, a repeated id, never echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PAYLOAD_KEY_ID: 'nope' }, /PAYLOAD_KEY_ID: names no key of PAYLOAD_KEYS/],
      [{ PAYLOAD_KEYS: `a:${short}`, PAYLOAD_KEY_ID: 'a' }, /PAYLOAD_KEYS: entry "a" is not id:base64 of 32 bytes/],
      [{ PAYLOAD_KEYS: short }, /PAYLOAD_KEYS: entry 1 is not id:base64/],
      [{ PAYLOAD_KEYS: `a:${k1.toString('base64')},a:${k2.toString('base64')}` }, /the key id "a" is given twice/],
    ];
    for (const [env, message] of cases) {
      const r = loadConfig({ ...own, ...env });
      expect(!r.ok && r.error).toMatch(message);
      expect(!r.ok && r.error).not.toContain(short);
    }
  });

  it('turns encryption off only in local mode (the benchmark compares with and without)', () => {
    const r = loadConfig({ ...own, PAYLOAD_ENCRYPTION: 'off' });
    expect(!r.ok && r.error).toMatch(/PAYLOAD_ENCRYPTION: personal data is stored in Temporal in clear/);
    const local = loadConfig({ LOCAL_MODE: '1', PAYLOAD_ENCRYPTION: 'off' });
    expect(local.ok && local.config.payloadKeyring).toBeNull();
    expect(local.ok && dataConverter(local.config).payloadCodecs).toEqual([]);
  });
});
