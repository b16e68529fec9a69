/**
 * The reference HMCTS as a process, spoken to in the tribunal's own language over real HTTP: every
 * case event we would send it is accepted under its schema and stored as the tribunal's event id;
 * the appeal's arrival registers it (appeal reference and case number in the answer, as its case
 * system answers); later events answer with the same case; a body it cannot read is refused with
 * 400 naming the field, which the tracker's port turns into a permanent sync failure, and nothing
 * is stored.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSystemPort, trackerHeaders } from '../activities/ports.js';
import { isCourtCaseNumber, SYNC_REJECTED, type OutboundMessage } from '../domain/index.js';
import { counterpartFor, encodeCaseEvent, hmctsCaseEventFormat } from '../integrations/hmcts.js';
import { messageOf, SAMPLE_LIST } from './hmcts-samples.js';
import { startSystem, type RunningSystem } from './systems.js';

let hmcts: RunningSystem;
beforeAll(async () => {
  hmcts = await startSystem('hmcts');
});
afterAll(async () => {
  await hmcts?.stop();
});

/** Each sample on a case of its own, so every one is first in its case's order. */
const onItsOwnCase = (m: OutboundMessage, i: number): OutboundMessage => {
  const caseId = `AC-${String(7000 + i).padStart(12, '0')}`;
  return { ...m, caseId, key: `${caseId}:${m.seq}:courts` };
};
const port = () => httpSystemPort('courts', hmcts.url, hmctsCaseEventFormat);
const stored = async (caseId: string) =>
  (
    (await (await fetch(`${hmcts.url}/messages?caseId=${caseId}`)).json()) as {
      messages: Array<{ type: string; receipt: { receiptId: string } }>;
    }
  ).messages;

describe('the reference HMCTS in its own language', () => {
  it('accepts every case event the tracker would send it, stored under the tribunal’s event id', async () => {
    const messages = SAMPLE_LIST.map((s) => messageOf(s)).map(onItsOwnCase);
    for (const message of messages) {
      const receipt = await port().deliver(message);
      expect(receipt.receiptId).toBeTruthy();
      const [held] = await stored(message.caseId);
      expect(held?.type).toBe(counterpartFor(message)!.eventId);
    }
    expect((await hmcts.stats()).received).toBe(messages.length);
  });

  it('registers the appeal when it arrives, and answers later events with the same case', async () => {
    const lodged = SAMPLE_LIST.find((s) => s.event.type === 'appeal.lodged' && !s.legacy)!;
    const listed = SAMPLE_LIST.find((s) => s.event.type === 'tribunal.listed')!;
    const caseId = 'AC-000000009901';
    const first = { ...messageOf(lodged), caseId, seq: 1, key: `${caseId}:1:courts` };
    // The tribunal has not given its reference yet: the event names our case, and it assigns its own.
    first.after = { ...first.after, identifiers: { ...first.after.identifiers, hmctsRef: undefined } };
    first.event = { type: 'appeal.lodged' };
    const registered = await port().deliver(first);
    expect(registered.references?.hmctsRef).toMatch(/^PA\/5\d{4}\/\d{4}$/);
    expect(isCourtCaseNumber(registered.references!.courtCaseNumber!)).toBe(true);
    const later = { ...messageOf(listed), caseId, seq: 2, key: `${caseId}:2:courts` };
    later.after = {
      ...later.after,
      identifiers: { ...later.after.identifiers, hmctsRef: registered.references!.hmctsRef },
    };
    const again = await port().deliver(later);
    expect(again.references).toEqual(registered.references);
    expect(again.receiptId).toBe(`${registered.references!.courtCaseNumber}@2`);
  });

  it('refuses a body it cannot read with 400 naming the field, stores nothing, and the port makes it final', async () => {
    const message = onItsOwnCase(messageOf(SAMPLE_LIST[0]!), 900);
    const bad = { ...encodeCaseEvent(message), state: 'nowhere' };
    const answer = await fetch(`${hmcts.url}${hmctsCaseEventFormat.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...trackerHeaders(message) },
      body: JSON.stringify(bad),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { errors: string[] }).errors).toContain('state');
    expect(await stored(message.caseId)).toHaveLength(0);
    // The same refusal through the port: a permanent rejection, not an outage to retry.
    await hmcts.faults({ rejectRefs: [message.caseId] });
    const refused = await port()
      .deliver(message)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect((refused as ApplicationFailure).type).toBe(SYNC_REJECTED);
    await hmcts.faults({});
    expect(await stored(message.caseId)).toHaveLength(0);
  });
});
