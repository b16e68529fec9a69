/**
 * Personal data encrypted in Temporal, end to end (#19): a person's name, opened and changed
 * through the API, is nowhere in the bytes of the Temporal server's database, while the API still
 * answers with it; and the codec routes decrypt the case's history for a supervisor or auditor only.
 * The same search on a stack running without the codec finds the name: the check can fail.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { caseIdFor } from '../ids/case-id.js';
import { TEMPLATE } from '../imports/format.js';
import { caseWorkflowId, IMPORTED_MEMO } from '../workflows/messages.js';
import { ENCRYPTED_ENCODING } from '../config/payload-codec.js';
import { rejectedDelivery, uniqueHomeOfficeRef, useStack, type Stack } from './harness.js';
import { eventually } from './systems.js';

const stack = useStack();
const plainStack = useStack({ env: { PAYLOAD_ENCRYPTION: 'off' } });
const dbFile = inject('temporalDbFile');

/** A name no other test uses, with letters outside ASCII (UTF-8 and JSON-escaped forms differ). */
const distinctiveName = () => `Zéphyrine Ōyelaran-${randomUUID().slice(0, 8)}`;

/** The forms a name could be stored in: UTF-8, JSON with \u escapes, base64 of either. */
function forms(name: string): Buffer[] {
  const escaped = JSON.stringify(name).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const token = name.split('-').at(-1)!; // the random part alone: ASCII, in any of the forms above
  return [
    name,
    escaped,
    token,
    Buffer.from(name).toString('base64'),
    Buffer.from(JSON.stringify(name)).toString('base64'),
  ].map((f) => Buffer.from(f));
}

/** The database's bytes: the file and its write-ahead log and shared memory, as they are now. */
const databaseBytes = () =>
  Buffer.concat(
    ['', '-wal', '-shm']
      .map((s) => `${dbFile}${s}`)
      .filter(existsSync)
      .map((f) => readFileSync(f)),
  );

async function openAndChange(on: Stack, name: string): Promise<string> {
  const caseId = await on.openCase({ person: { name, dateOfBirth: '1987-11-23', nationality: 'SYR' } });
  const changed = await on.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.screened' } });
  expect(changed.status).toBe(200);
  return caseId;
}

/**
 * Every payload of a history as the server holds it, but for what never goes through a codec:
 * search attributes, headers, the SDK's own patch markers (a patch's name, written by the SDK core)
 * and a local activity marker's `data` (the core's bookkeeping: which activity, which attempt, when).
 * The local activity's `result` is ours, and is counted.
 */
function payloadsIn(value: unknown, found: Array<{ metadata: Record<string, Uint8Array>; data: Uint8Array }> = []) {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const o = value as Record<string, unknown>;
  if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') {
    found.push(o as never);
    return found;
  }
  const localActivity = o.markerName === 'core_local_activity';
  for (const [key, v] of Object.entries(o)) {
    if (['searchAttributes', 'header', 'patch-data'].includes(key)) continue;
    if (localActivity && key === 'details' && v && typeof v === 'object') {
      for (const [part, payloads] of Object.entries(v)) if (part !== 'data') payloadsIn(payloads, found);
    } else payloadsIn(v, found);
  }
  return found;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('personal data in Temporal', () => {
  it.skipIf(!dbFile)(
    "is not in the server's database in any form, while the API answers with it; without the codec it is",
    async () => {
      const name = distinctiveName();
      const caseId = await openAndChange(stack, name);
      const read = await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' });
      expect(read.body.person.name).toBe(name);

      const clear = distinctiveName();
      const plainCaseId = await openAndChange(plainStack, clear);
      expect((await plainStack.call('GET', `/cases/${plainCaseId}`, { role: 'supervisor' })).body.person.name).toBe(
        clear,
      );

      const bytes = databaseBytes();
      for (const form of forms(name)) expect(bytes.includes(form), `found ${form.toString()}`).toBe(false);
      // The control: the same search finds a name written without the codec.
      expect(bytes.includes(Buffer.from(clear))).toBe(true);
    },
  );

  it("every payload of a case's history is encrypted; the codec routes decrypt them for supervisors and auditors only", async () => {
    const name = distinctiveName();
    const caseId = await openAndChange(stack, name);
    const { history } = await stack.client.workflowService.getWorkflowExecutionHistory({
      namespace: stack.config.temporal.namespace,
      execution: { workflowId: caseWorkflowId(caseId) },
    });
    const payloads = payloadsIn(history?.events);
    expect(payloads.length).toBeGreaterThan(2);
    // The reporting model's deliveries within the task: their answers (the message sent) are among them.
    const inTask = history?.events?.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(inTask?.length).toBeGreaterThan(0);
    for (const e of inTask ?? []) expect(payloadsIn(e.markerRecordedEventAttributes?.details?.result)).toHaveLength(1);
    for (const p of payloads) expect(Buffer.from(p.metadata.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    const body = {
      payloads: payloads.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, b64(v)])),
        data: b64(p.data),
      })),
    };

    const decoded = await stack.call('POST', '/codec/decode', { role: 'supervisor', body });
    expect(decoded.status).toBe(200);
    const texts = decoded.body.payloads.map((p: { data: string }) => Buffer.from(p.data, 'base64').toString());
    expect(texts.some((t: string) => t.includes(name))).toBe(true);
    expect(Buffer.from(decoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect((await stack.call('POST', '/codec/decode', { role: 'auditor', body })).status).toBe(200);

    const caseworker = await stack.call('POST', '/codec/decode', { role: 'caseworker', body });
    expect(caseworker.status).toBe(403);
    expect(JSON.stringify(caseworker.body)).not.toContain(name);
    expect((await stack.call('POST', '/codec/decode', { role: null, body })).status).toBe(401);

    // Encode answers what decode reads back (the UI encodes what is typed into it).
    const plain = {
      payloads: [{ metadata: { encoding: b64(Buffer.from('json/plain')) }, data: b64(Buffer.from('"x"')) }],
    };
    const sealed = await stack.call('POST', '/codec/encode', { role: 'supervisor', body: plain });
    expect(Buffer.from(sealed.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    const back = await stack.call('POST', '/codec/decode', { role: 'supervisor', body: sealed.body });
    expect(back.body).toEqual(plain);
  });

  it("answers the Temporal UI's browser: its origin's preflight, and the pages' sign-in cookie instead of a token", async () => {
    const [uiOrigin] = stack.config.temporalUiOrigins;
    const preflight = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: uiOrigin!,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);

    const foreign = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const name = distinctiveName();
    const caseId = await stack.openCase({ person: { name, dateOfBirth: '1987-11-23', nationality: 'SYR' } });
    const { history } = await stack.client.workflowService.getWorkflowExecutionHistory({
      namespace: stack.config.temporal.namespace,
      execution: { workflowId: caseWorkflowId(caseId) },
    });
    const input = history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const body = JSON.stringify({
      payloads: input.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
        data: b64(p.data!),
      })),
    });
    const asBrowser = (role: 'supervisor' | 'caseworker') =>
      stack.token(role).then((token) =>
        fetch(`${stack.baseUrl}/codec/decode`, {
          method: 'POST',
          headers: { origin: uiOrigin!, cookie: `case_tracker_token=${token}`, 'content-type': 'application/json' },
          body,
        }),
      );
    const supervisor = await asBrowser('supervisor');
    expect(supervisor.status).toBe(200);
    expect(supervisor.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const text = Buffer.from(((await supervisor.json()) as any).payloads[0].data, 'base64').toString();
    expect(text).toContain(name);
    expect((await asBrowser('caseworker')).status).toBe(403);
  });

  it("keeps a failure's message encrypted in the history, and the timeline still reads it", async () => {
    const caseId = await stack.openCase();
    // Slower than a try within the task waits: the refusal comes to the scheduled delivery, as an activity's failure.
    await rejectedDelivery(stack, caseId, { latencyMs: 2_500 });
    const { history } = await stack.client.workflowService.getWorkflowExecutionHistory({
      namespace: stack.config.temporal.namespace,
      execution: { workflowId: caseWorkflowId(caseId) },
    });
    const failure = history!.events!.find((e) => e.activityTaskFailedEventAttributes)!
      .activityTaskFailedEventAttributes!.failure!;
    expect(failure.message).toBe('Encoded failure');
    expect(Buffer.from(failure.encodedAttributes!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(JSON.stringify(failure)).not.toContain('error code 1020');
    const timeline = await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'supervisor' });
    expect(timeline.body.entries[0].sync.homeOffice.failure).toContain('error code 1020'); // the Home Office's own code
  });

  it.skipIf(!dbFile)(
    "keeps an imported case's memo (the record as imported) out of the database in clear",
    async () => {
      const name = distinctiveName();
      const ref = uniqueHomeOfficeRef();
      // The template's example row, with this case's reference and name and none of the example's other references.
      const [header, example] = TEMPLATE.trim().split('\n') as [string, string];
      const columns = header.split(',');
      const values = example.split(',');
      const otherRefs = ['uan', 'gwf', 'hmcts_ref', 'pnc', 'prison_number', 'local_authority_ref'];
      const row = columns.map((c, i) =>
        c === 'ho_ref' ? ref : c === 'name' ? name : otherRefs.includes(c) ? '' : values[i],
      );
      const token = await stack.token('supervisor', 'sam');
      const upload = await fetch(`${stack.baseUrl}/imports?fileName=codec.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: `${header}\n${row.join(',')}\n`,
      });
      expect(upload.status).toBe(202);
      const { location } = (await upload.json()) as { location: string };
      const report = await eventually(
        async () => {
          const r = (await stack.call('GET', location, { role: 'supervisor' })).body;
          return r.phase === 'done' ? r : undefined;
        },
        60_000,
        'the import',
      );
      expect(report.accepted, JSON.stringify(report)).toBe(1);
      const described = await stack.client.workflow.getHandle(caseWorkflowId(caseIdFor(ref))).describe();
      expect((described.memo?.[IMPORTED_MEMO] as { record: { person: { name: string } } }).record.person.name).toBe(
        name,
      );
      const bytes = databaseBytes();
      for (const form of forms(name)) expect(bytes.includes(form), `found ${form.toString()}`).toBe(false);
    },
  );
});
