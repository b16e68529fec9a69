/**
 * The Home Office's language, pure: every event it hears of has a row in the one mapping table, and
 * every message we would send it passes its schema; correlation ids are stable per key; no person's
 * details travel; the recorded samples in docs/samples/home-office/ are what the code makes
 * (UPDATE_SAMPLES=1 rewrites them); answers read as receipts, refusals and decisions.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlationIdOf } from '../integrations/correlation.js';
import {
  decisionOf,
  encodeInstruct,
  homeOfficeInstruct,
  HOME_OFFICE_MESSAGES,
  homeOfficeMessageType,
  HO_MESSAGE_TYPES,
  instructSchema,
} from '../integrations/home-office.js';
import { envelope } from '../integrations/envelope.js';
import { hmctsCaseEventFormat } from '../integrations/hmcts.js';
import { wireFormat } from '../integrations/formats.js';
import { HOME_OFFICE_EVENTS, sampleMessage, sampleMessages } from './home-office-samples.js';
import { variants } from './domain-fixtures.js';

const SAMPLES = resolve(import.meta.dirname, '../docs/samples/home-office');

describe('the Home Office mapping table', () => {
  it('has a row for every event that notifies the Home Office, and none for others', () => {
    expect(HOME_OFFICE_EVENTS.length).toBeGreaterThan(30);
    expect(Object.keys(HOME_OFFICE_MESSAGES).sort()).toEqual([...HOME_OFFICE_EVENTS].sort());
  });

  it('encodes every event in every variant into a message its schema accepts, typed as the table says', () => {
    for (const message of sampleMessages()) {
      const body = encodeInstruct(message);
      const parsed = instructSchema.safeParse(body);
      expect(parsed.success, `${message.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(body.messageType).toBe(homeOfficeMessageType(message.type));
      expect(body).toMatchObject({ hoReference: 'H0000001', consumerReference: { value: 'PA/50001/2026' } });
    }
  });

  it('sends the same message type whatever the payload, so a type names the event', () => {
    for (const type of HOME_OFFICE_EVENTS)
      expect(new Set(variants(type).map((e) => encodeInstruct(sampleMessage(e)).messageType)).size).toBe(1);
  });

  it('carries no person: no name, date of birth or nationality of the appellant in any message', () => {
    const text = JSON.stringify(sampleMessages().map(encodeInstruct));
    expect(text).not.toMatch(
      /applicants|givenName|familyName|fullName|dateOfBirth|dayOfBirth|nationality|witnessNames/,
    );
    // A body with applicants is refused by the schema: they cannot be added by mistake.
    const bundle = encodeInstruct(sampleMessage({ type: 'appeal.evidence-requested' }));
    const withPeople = { ...bundle, challenge: { appealTierType: 'FIRST_TIER', applicants: [{ givenName: 'A' }] } };
    expect(instructSchema.safeParse(withPeople).success).toBe(false);
  });

  it('fills the fields of each Home Office type from our event and the case', () => {
    const encode = (event: Record<string, unknown>) =>
      encodeInstruct(sampleMessage(event as never)) as Record<string, unknown>;
    expect(encode({ type: 'tribunal.listed', hearingDate: '2026-07-01' })).toMatchObject({
      messageType: 'HEARING',
      hearing: { hearingDate: '2026-07-01', hearingType: 'ORAL' },
    });
    expect(encode({ type: 'appeal.evidence-requested' })).toMatchObject({
      messageType: 'REQUEST_EVIDENCE_BUNDLE',
      deadlineDate: '2026-06-29',
      challenge: { appealTierType: 'FIRST_TIER', challengeSubmissionDate: '2026-03-02' },
    });
    expect(encode({ type: 'appeal.struck-out', reason: 'no fee' })).toMatchObject({
      messageType: 'REQUEST_CHALLENGE_END',
      endReason: 'STRUCK_OUT',
      endChallengeDate: '2026-06-01T00:00:00Z',
    });
    expect(encode({ type: 'onward-appeal.decided', outcome: 'remitted', by: 'upper-tribunal' })).toMatchObject({
      courtOutcome: { courtType: 'UPPER_TRIBUNAL', outcome: 'REHEARD' },
    });
    expect(encode({ type: 'onward-appeal.lodged', to: 'court-of-appeal' })).toMatchObject({
      messageType: 'PERMISSION_TO_APPEAL',
      courtType: 'COURT_OF_APPEAL',
    });
    expect(encode({ type: 'decision.refused', decidedOn: '2026-02-01' })).toMatchObject({
      messageType: 'TRACKER_DECISION_REFUSED',
      trackerEvent: { type: 'decision.refused', decidedOn: '2026-02-01' },
    });
  });

  it('leaves out what a message queued before deadlines and the appeal reference were sent lacks', () => {
    const m = sampleMessage({ type: 'appeal.review-requested' });
    const old = {
      ...m,
      after: { ...m.after, deadlines: undefined, identifiers: { caseId: m.caseId, homeOfficeRef: 'H0000001' } },
    };
    const body = encodeInstruct(old);
    expect(instructSchema.safeParse(body).success).toBe(true);
    expect(body).not.toHaveProperty('deadlineDate');
    expect(body).not.toHaveProperty('consumerReference');
  });

  it('derives the correlation id from the message key: a retry carries the same one', () => {
    const m = sampleMessage({ type: 'claim.screened' });
    const id = encodeInstruct(m).messageHeader.correlationId;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(encodeInstruct({ ...m, at: '2027-01-01T00:00:00.000Z' }).messageHeader.correlationId).toBe(id);
    expect(correlationIdOf(`${m.key}x`)).not.toBe(id);
    expect(encodeInstruct(m).messageHeader.eventDateTime).toBe('2026-06-01T09:30:12Z');
  });
});

describe('recorded samples (docs/samples/home-office)', () => {
  /** One sample per Home Office type we send (the first event that becomes it), and one of ours. */
  const byType = new Map<string, ReturnType<typeof encodeInstruct>>();
  for (const type of HOME_OFFICE_EVENTS) {
    const body = encodeInstruct(sampleMessage(variants(type)[0]!));
    const theirs = (HO_MESSAGE_TYPES as readonly string[]).includes(body.messageType);
    if ((theirs || body.messageType === 'TRACKER_DECISION_REFUSED') && !byType.has(body.messageType))
      byType.set(body.messageType, body);
  }

  it('match what the code makes for each message type', () => {
    if (process.env.UPDATE_SAMPLES === '1') {
      mkdirSync(SAMPLES, { recursive: true });
      for (const [type, body] of byType)
        writeFileSync(join(SAMPLES, `${type}.json`), `${JSON.stringify(body, null, 2)}\n`);
    }
    expect(readdirSync(SAMPLES).sort()).toEqual([...byType.keys()].map((t) => `${t}.json`).sort());
    for (const [type, body] of byType) {
      const file = join(SAMPLES, `${type}.json`);
      expect(existsSync(file), `${file} (UPDATE_SAMPLES=1 writes it)`).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8')), `${type}: UPDATE_SAMPLES=1 rewrites it`).toEqual(body);
    }
  });
});

describe('the Home Office answers', () => {
  const m = sampleMessage({ type: 'claim.screened' });
  const correlationId = encodeInstruct(m).messageHeader.correlationId;
  const header = {
    consumer: { code: 'HMCTS', description: 'HM Courts and Tribunal Service' },
    correlationId,
    eventDateTime: '2026-06-01T09:30:13Z',
  };

  it('reads an acknowledgement as a receipt named by the correlation id', () => {
    const ack = { messageHeader: header, errorDetail: { errorCode: '0000', messageText: 'No errors', success: true } };
    expect(homeOfficeInstruct.receipt(ack, m)).toEqual({ receiptId: correlationId });
  });

  it('reads an error as permanent, except its internal error (1070), which is retried', () => {
    const error = (errorCode: string) => ({
      messageHeader: header,
      errorDetail: { errorCode, messageText: 'text', success: 'false' },
    });
    expect(homeOfficeInstruct.refusal!(400, error('1020'))).toEqual({
      permanent: true,
      reason: 'error code 1020: text',
    });
    expect(homeOfficeInstruct.refusal!(400, error('1070'))).toMatchObject({ permanent: false });
    expect(homeOfficeInstruct.refusal!(400, { error: 'not theirs' })).toBeUndefined();
  });

  it('reads decision details (the search answer) into our terms', () => {
    const answer = {
      messageHeader: header,
      messageType: 'RESPONSE_RIGHT_OF_APPEAL_DETAILS',
      status: [
        {
          person: { givenName: 'x' },
          applicationStatus: { roleSubType: { code: 'SPOUSE' }, decisionType: { code: 'GRANT' } },
        },
        {
          applicationStatus: {
            roleSubType: { code: 'MAIN', description: 'Main' },
            decisionType: { code: 'REJECTION', description: 'Rejected' },
            decisionDate: '2020-07-21T23:32:28Z',
            documentReference: '1234-1234-5678-5678/00',
            rejectionReasons: null,
          },
        },
      ],
    };
    expect(decisionOf(answer)).toEqual({
      decision: 'refused',
      code: 'REJECTION',
      decidedOn: '2020-07-22', // 23:32 UTC is past midnight in London in July
      documentReference: '1234-1234-5678-5678/00',
    });
    expect(decisionOf({ status: [{ applicationStatus: { decisionDate: null } }] })).toBeNull();
  });
});

describe('the format registry', () => {
  it('speaks to the Home Office and HMCTS in their own languages unless told otherwise, and to the notifier in the envelope', () => {
    expect(wireFormat('homeOffice')).toBe(homeOfficeInstruct);
    expect(wireFormat('homeOffice', 'envelope')).toBe(envelope);
    expect(wireFormat('courts')).toBe(hmctsCaseEventFormat);
    expect(wireFormat('courts', 'envelope')).toBe(envelope);
    expect(wireFormat('notifier')).toBe(envelope);
    expect(() => wireFormat('notifier', 'native')).toThrow(/no language of its own/);
  });
});
