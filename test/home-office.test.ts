/**
 * The reference Home Office as a process, spoken to in its own language over real HTTP: every message
 * we would send it is accepted under its schema and stored as its message type; a body it cannot read
 * is refused with 1060 and changes nothing; a reference it does not know is refused with 1020, which
 * the tracker's port turns into a permanent sync failure naming the code; a repeat is acknowledged
 * with the same correlation id; its search answers with the decision it was told of.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHomeOfficeDecision } from '../activities/home-office-search.js';
import { httpSystemPort, trackerHeaders } from '../activities/ports.js';
import { SYNC_REJECTED, type OutboundMessage } from '../domain/index.js';
import {
  encodeInstruct,
  homeOfficeInstruct,
  homeOfficeMessageType,
  INSTRUCT_PATH,
} from '../integrations/home-office.js';
import { envelope } from '../integrations/envelope.js';
import { sampleMessage, sampleMessages } from './home-office-samples.js';
import { startSystem, type RunningSystem } from './systems.js';

let homeOffice: RunningSystem;
beforeAll(async () => {
  homeOffice = await startSystem('home-office');
});
afterAll(async () => {
  await homeOffice?.stop();
});

/** Each sample on a case of its own, so every one is first in its case's order. */
const onItsOwnCase = (m: OutboundMessage, i: number): OutboundMessage => {
  const caseId = `AC-${String(i).padStart(12, '0')}`;
  return {
    ...m,
    caseId,
    key: `${caseId}:${m.seq}:homeOffice`,
    after: { ...m.after, identifiers: { ...m.after.identifiers, caseId } },
  };
};
const post = (body: unknown, headers: Record<string, string>) =>
  fetch(`${homeOffice.url}${INSTRUCT_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const stored = async (caseId: string) =>
  (
    (await (await fetch(`${homeOffice.url}/messages?caseId=${caseId}`)).json()) as {
      messages: Array<{ type: string; receipt: { receiptId: string } }>;
    }
  ).messages;

describe('the reference Home Office in its own language', () => {
  it('accepts every message the tracker would send it, acknowledging each as the real one does', async () => {
    const port = httpSystemPort('homeOffice', homeOffice.url, homeOfficeInstruct);
    const messages = sampleMessages().map(onItsOwnCase);
    for (const message of messages) {
      const receipt = await port.deliver(message);
      expect(receipt.receiptId).toBe(encodeInstruct(message).messageHeader.correlationId);
      const [held] = await stored(message.caseId);
      expect(held).toMatchObject({ type: homeOfficeMessageType(message.type), receipt });
    }
    expect((await homeOffice.stats()).received).toBe(messages.length);
  });

  it('acknowledges a repeat with the same correlation id and stores nothing twice', async () => {
    const message = onItsOwnCase(sampleMessage({ type: 'tribunal.listed', hearingDate: '2026-07-01' }), 900);
    const first = await post(encodeInstruct(message), trackerHeaders(message));
    expect(first.status).toBe(200);
    const ack = (await first.json()) as any;
    expect(ack).toMatchObject({
      messageHeader: { correlationId: encodeInstruct(message).messageHeader.correlationId },
      errorDetail: { errorCode: '0000', messageText: 'No errors', success: true },
    });
    const again = await post(encodeInstruct(message), trackerHeaders(message));
    expect(((await again.json()) as any).messageHeader.correlationId).toBe(ack.messageHeader.correlationId);
    expect(await stored(message.caseId)).toHaveLength(1);
  });

  it('refuses a body it cannot read with 1060, naming the fields, and changes nothing', async () => {
    const before = await homeOffice.stats();
    const message = onItsOwnCase(sampleMessage({ type: 'tribunal.listed', hearingDate: '2026-07-01' }), 901);
    const body = { ...encodeInstruct(message), hearing: { hearingDate: '1 July' }, witnessNames: 'A Person' };
    const res = await post(body, trackerHeaders(message));
    expect(res.status).toBe(400);
    const answer = (await res.json()) as any;
    expect(answer.errorDetail).toMatchObject({ errorCode: '1060', success: false });
    expect(answer.errorDetail.messageText).toContain('hearing.hearingDate');
    expect(answer.errorDetail.messageText).toContain('witnessNames');
    expect(await homeOffice.stats()).toEqual(before);
    expect(await homeOffice.view(message.caseId)).toBeUndefined();
  });

  it('refuses a reference it does not know with 1020: a permanent sync failure naming the code', async () => {
    const message = onItsOwnCase(sampleMessage({ type: 'claim.screened' }), 902);
    await homeOffice.faults({ rejectRefs: ['H0000001'] });
    try {
      const port = httpSystemPort('homeOffice', homeOffice.url, homeOfficeInstruct);
      const failure = await port.deliver(message).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: SYNC_REJECTED, nonRetryable: true });
      expect((failure as Error).message).toContain('error code 1020: Home Office reference not found: H0000001');
    } finally {
      await homeOffice.faults({ rejectRefs: [] });
    }
    expect(await homeOffice.view(message.caseId)).toBeUndefined();
  });

  it('answers a search with the decision it was told of, read into our terms', async () => {
    const message = onItsOwnCase(sampleMessage({ type: 'decision.refused', decidedOn: '2026-02-03' }), 903);
    const reference = 'H7654321';
    const refused = {
      ...message,
      after: { ...message.after, identifiers: { ...message.after.identifiers, homeOfficeRef: reference } },
    };
    expect(await readHomeOfficeDecision(homeOffice.url, reference)).toMatchObject({ ok: false, errorCode: '1020' });
    await httpSystemPort('homeOffice', homeOffice.url, homeOfficeInstruct).deliver(refused);
    expect(await readHomeOfficeDecision(homeOffice.url, reference)).toEqual({
      ok: true,
      decision: { decision: 'refused', code: 'REJECTION', decidedOn: '2026-02-03', documentReference: reference },
    });
  });

  it('can be switched to our envelope for comparison (HOME_OFFICE_FORMAT=envelope, as the worker reads it)', async () => {
    const was = process.env.HOME_OFFICE_FORMAT;
    process.env.HOME_OFFICE_FORMAT = 'envelope'; // the spawned process inherits it
    const enveloped = await startSystem('home-office').finally(() => {
      if (was === undefined) delete process.env.HOME_OFFICE_FORMAT;
      else process.env.HOME_OFFICE_FORMAT = was;
    });
    try {
      const message = onItsOwnCase(sampleMessage({ type: 'claim.screened' }), 904);
      const receipt = await httpSystemPort('homeOffice', enveloped.url, envelope).deliver(message);
      expect(receipt.receiptId).toMatch(/^home-office-/);
      expect((await enveloped.view(message.caseId))?.messages.map((m) => m.type)).toEqual(['claim.screened']);
      // Its own path is not served then: one language at a time.
      const native = await fetch(`${enveloped.url}${INSTRUCT_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...trackerHeaders(message) },
        body: JSON.stringify(encodeInstruct(message)),
      });
      expect(native.status).toBe(404);
    } finally {
      await enveloped.stop();
    }
  });
});
