/**
 * The reference Home Office in its own language: instruct messages at its path, each body validated
 * with the schema (a body that fails is refused with error code 1060 naming the fields), acknowledged
 * as the real one does (`0000`, "No errors", echoing the correlation id), a reference it is told not
 * to know refused with 1020. Its search answers with decision details from what it has stored.
 */
import type { Express } from 'express';
import {
  CONSUMER,
  homeOfficeDateTime,
  homeOfficeInstruct,
  HO_ERROR,
  SEARCH_PATH,
  searchRequestSchema,
  trackerType,
  type InstructMessage,
} from '../integrations/home-office.js';
import type { StoredMessage } from './reference-system.js';
import { issuePaths, trackerHeadersOf, type Answer, type Reception } from './reception.js';

const header = (correlationId?: string) => ({
  consumer: { ...CONSUMER },
  ...(correlationId ? { correlationId } : {}),
  eventDateTime: homeOfficeDateTime(new Date().toISOString()),
});

/** The Home Office's error body: HTTP 400 with its code and text (HomeOfficeErrorResponse). */
export const homeOfficeError = (errorCode: string, messageText: string, correlationId?: string): Answer => ({
  status: 400,
  body: { messageHeader: header(correlationId), errorDetail: { errorCode, messageText, success: false } },
});

const correlationOf = (body: unknown) =>
  (body as { messageHeader?: { correlationId?: unknown } } | undefined)?.messageHeader?.correlationId;

export function homeOfficeReception(): Reception {
  return {
    name: homeOfficeInstruct.name,
    path: homeOfficeInstruct.path,
    read(req) {
      const headers = trackerHeadersOf(req);
      const parsed = homeOfficeInstruct.schema.safeParse(req.body);
      if (!parsed.success) {
        const paths = issuePaths(parsed.error);
        return {
          ok: false,
          answer: homeOfficeError(HO_ERROR.invalidFormat, `Invalid message format: ${paths.join(', ')}`),
        };
      }
      const body: InstructMessage = parsed.data;
      if (!headers.ok)
        return {
          ok: false,
          answer: homeOfficeError(
            HO_ERROR.invalidFormat,
            `Missing headers: ${headers.missing.join(', ')}`,
            body.messageHeader.correlationId,
          ),
        };
      return {
        ok: true,
        // The acknowledgement names the message by the correlation id it came with: that is its receipt.
        receiptId: body.messageHeader.correlationId,
        body,
        message: {
          key: headers.key,
          caseId: headers.caseId,
          seq: headers.seq,
          type: homeOfficeInstruct.typeOf(body),
          at: body.messageHeader.eventDateTime,
          after: {
            stage: headers.stage,
            status: headers.status,
            identifiers: { homeOfficeRef: body.hoReference, hmctsRef: body.consumerReference?.value },
          },
          ...(headers.redelivery ? { redelivery: true } : {}),
        },
      };
    },
    accepted: (receipt) => ({
      status: 200,
      body: {
        messageHeader: header(receipt.receiptId),
        errorDetail: { errorCode: HO_ERROR.ok, messageText: 'No errors', success: true },
      },
    }),
    unknownReference: (message, req) =>
      homeOfficeError(
        HO_ERROR.referenceNotFound,
        `Home Office reference not found: ${message.after.identifiers.homeOfficeRef}`,
        String(correlationOf(req.body)),
      ),
  };
}

/** Our decision messages, as the Home Office's decision types (only REJECTION is shown in public code). */
const DECISION_TYPES: Record<string, { code: string; description: string }> = {
  [trackerType('decision.refused')]: { code: 'REJECTION', description: 'Rejected' },
  [trackerType('decision.granted')]: { code: 'GRANT', description: 'Granted' },
  [trackerType('decision.certified')]: { code: 'CERTIFIED', description: 'Certified' },
  [trackerType('decision.inadmissible')]: { code: 'INADMISSIBLE', description: 'Inadmissible' },
};

/**
 * `POST /ichallenge/applicationStatus/getBySearchParameters`: the application held under a document
 * reference, with the latest decision the Home Office was told of. No person: the reference system
 * holds no personal data (the real answer has the applicant's names; the tracker reads none of it).
 */
export function homeOfficeSearch(app: Express, messages: () => StoredMessage[]) {
  app.post(SEARCH_PATH, (req, res) => {
    const parsed = searchRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const paths = issuePaths(parsed.error);
      const { status, body } = homeOfficeError(HO_ERROR.invalidFormat, `Invalid message format: ${paths.join(', ')}`);
      return res.status(status).json(body);
    }
    const reference = parsed.data.searchParams[0]!.spValue;
    const correlationId = parsed.data.messageHeader.correlationId;
    const held = messages()
      .filter((m) => m.identifiers?.homeOfficeRef === reference)
      .sort((a, b) => a.seq - b.seq);
    if (held.length === 0) {
      const { status, body } = homeOfficeError(
        HO_ERROR.referenceNotFound,
        `No application found for ${reference}`,
        correlationId,
      );
      return res.status(status).json(body);
    }
    const decision = held.filter((m) => DECISION_TYPES[m.type]).at(-1);
    const decidedOn = (decision?.body as { trackerEvent?: { decidedOn?: unknown } } | undefined)?.trackerEvent
      ?.decidedOn;
    res.json({
      messageHeader: header(correlationId),
      messageType: 'RESPONSE_RIGHT_OF_APPEAL_DETAILS',
      status: [
        {
          applicationStatus: {
            applicationType: { code: 'ASYLUM', description: 'Asylum and Protection' },
            documentReference: reference,
            roleType: { code: 'APPLICANT', description: 'Applicant' },
            roleSubType: { code: 'MAIN', description: 'Main applicant' },
            ...(decision
              ? {
                  decisionType: DECISION_TYPES[decision.type],
                  decisionDate: typeof decidedOn === 'string' ? decidedOn : decision.at,
                }
              : {}),
          },
        },
      ],
    });
  });
}
