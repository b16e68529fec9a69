/**
 * The tribunal's events in its own language (#22): case event callbacks, signed like any webhook,
 * matched to the case by the tribunal's appeal reference and applied once per event (case number,
 * event id and version), a callback that fails the schema refused with 400 naming the field and
 * nothing applied. The listing and decision posted are the samples in docs/samples/hmcts/inbound.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { courtCaseNumber } from '../domain/identifiers.js';
import { useStack } from './harness.js';
import { eventually } from './systems.js';
import { signWebhook } from './case-api.js';
import { ccdCallback } from './hmcts-callback.js';
import { plusDays, ukDate } from './dates.js';

const stack = useStack();
const SECRET = 'dev-only-hmcts-webhook-secret';
const INBOUND_SAMPLES = 'docs/samples/hmcts/inbound';

async function post(body: unknown, secret = SECRET) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${stack.baseUrl}/integrations/hmcts/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signWebhook(secret, raw) },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const read = async (caseId: string) => (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
const timeline = async (caseId: string) =>
  (await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'auditor' })).body.entries.map((e: any) => e.type);

/** A fresh appeal reference and case number, so runs sharing a namespace never meet. */
function appealIds() {
  const seq = 50001 + Math.floor(Math.random() * 49_999);
  const year = Number(ukDate(Date.now()).slice(0, 4));
  return {
    appealReferenceNumber: `PA/${seq}/${year}`,
    caseNumber: courtCaseNumber(`${String(year).slice(2)}${String(seq).padStart(13, '0')}`),
  };
}

/** A case refused by the Home Office, whose appeal the tribunal registered (by its own submitAppeal callback). */
async function appealedCase() {
  const { caseId, homeOfficeRef } = await stack.openFindableCase();
  await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'decision.refused' } });
  const ids = appealIds();
  const submitted = await post(
    ccdCallback(ids, 'submitAppeal', 'appealSubmitted', 1, {
      homeOfficeReferenceNumber: homeOfficeRef,
      appealSubmissionDate: ukDate(Date.now()),
    }),
  );
  expect(submitted).toEqual({ status: 202, body: { status: 'applied', caseId } });
  // The tribunal's later events find the case by the appeal reference it now holds.
  await eventually(
    async () =>
      (await stack.call('GET', `/cases?ref=${ids.appealReferenceNumber}`, { role: 'supervisor' })).body.cases.length ===
      1
        ? true
        : undefined,
    15_000,
    'the appeal reference in search',
  );
  return { caseId, ids };
}

/**
 * A recorded inbound sample (test/hmcts-inbound.unit.test.ts records them) posted as this run's: its
 * case number, appeal reference and the given case_data, so the sample is what the tribunal sends.
 */
function fromSample(name: string, ids: ReturnType<typeof appealIds>, caseData: Record<string, unknown>) {
  const recorded = JSON.parse(readFileSync(`${INBOUND_SAMPLES}/${name}.json`, 'utf8'));
  return {
    ...recorded,
    case_details: {
      ...recorded.case_details,
      id: ids.caseNumber,
      case_data: { ...recorded.case_details.case_data, appealReferenceNumber: ids.appealReferenceNumber, ...caseData },
    },
  };
}

describe("the tribunal's case event callbacks", () => {
  it('a listing and a decision reach the case by the appeal reference, each applied once', async () => {
    const { caseId, ids } = await appealedCase();
    expect(await read(caseId)).toMatchObject({
      stage: 'appeal',
      status: 'lodged',
      identifiers: { hmctsRef: ids.appealReferenceNumber },
    });
    const hearingDate = plusDays(ukDate(Date.now()), 30);
    const listing = fromSample('listCase', ids, { listCaseHearingDate: `${hearingDate}T10:00:00` });
    expect((await post(listing)).body).toEqual({ status: 'applied', caseId });
    // Delivered again (CCD retries a callback it heard no answer to): the same event, so a duplicate.
    expect((await post(listing)).body).toEqual({ status: 'duplicate', caseId });
    expect(await read(caseId)).toMatchObject({ status: 'listed', dates: { hearingDate } });

    const today = ukDate(Date.now());
    const decision = fromSample('sendDecisionAndReasons', ids, {
      appealDate: today,
      sendDecisionsAndReasonsDate: today,
    });
    expect((await post(decision)).body).toEqual({ status: 'applied', caseId });
    expect((await post(decision)).body).toEqual({ status: 'duplicate', caseId });
    expect(await read(caseId)).toMatchObject({
      stage: 'tribunal',
      status: 'dismissed',
      dates: { determinedOn: today, promulgatedOn: today },
    });
    expect(await timeline(caseId)).toEqual([
      'decision.refused',
      'appeal.lodged',
      'tribunal.listed',
      'tribunal.determined',
    ]);
    const entries = (await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'auditor' })).body.entries;
    expect(entries.at(-1).actor).toEqual({ id: 'hmcts', role: 'integration' });
  });

  it('refuses a callback that fails the schema with 400 naming the field, and changes nothing', async () => {
    const { caseId, ids } = await appealedCase();
    const before = (await read(caseId)).version;
    const noDate = await post(ccdCallback(ids, 'listCase', 'listing', 4, { listCaseHearingCentre: 'taylorHouse' }));
    expect(noDate.status).toBe(400);
    expect(noDate.body.errors.map((e: any) => e.field)).toEqual(['case_details.case_data.listCaseHearingDate']);
    const badOutcome = await post(
      ccdCallback(ids, 'sendDecisionAndReasons', 'decision', 7, { isDecisionAllowed: 'yes' }),
    );
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.errors.map((e: any) => e.field)).toEqual(['case_details.case_data.isDecisionAllowed']);
    const unknownEvent = await post(ccdCallback(ids, 'uploadAddendumEvidence', 'preHearing', 5, {}));
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.errors.map((e: any) => e.field)).toEqual(['event_id']);
    const {
      version: _v,
      last_modified: _l,
      ...unversioned
    } = ccdCallback(ids, 'listCase', 'listing', 4, {
      listCaseHearingDate: '2030-01-01T10:00:00',
    }).case_details;
    const noVersion = await post({ event_id: 'listCase', case_details: unversioned });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.errors.map((e: any) => e.field)).toEqual(['case_details.version']);
    // Signed with another secret: the same 401 as any webhook.
    const unsigned = await post(
      ccdCallback(ids, 'listCase', 'listing', 4, { listCaseHearingDate: '2030-01-01T10:00:00' }),
      'not-the-secret',
    );
    expect(unsigned.status).toBe(401);
    expect((await read(caseId)).version).toBe(before);
  });

  it('the reference HMCTS sends a callback-shaped event through its /admin/events as it is', async () => {
    const { caseId, ids } = await appealedCase();
    const hmcts = stack.systems.courts.url;
    await fetch(`${hmcts}/admin/webhook`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${stack.baseUrl}/integrations/hmcts/events`, secret: SECRET }),
    });
    // It adds an id and a time of its own, which the callback does not use: the callback's id is its case, event and version.
    const sent = await fetch(`${hmcts}/admin/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ccdCallback(ids, 'listCase', 'listing', 4, {
          listCaseHearingDate: `${plusDays(ukDate(Date.now()), 20)}T10:00:00`,
        }),
      ),
    });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as any).answer).toEqual({ status: 'applied', caseId });
    expect((await read(caseId)).status).toBe('listed');
  });
});
