/**
 * HMCTS's side: when an appeal reaches it, it registers the appeal under its own reference
 * TYPE/NNNNN/YYYY (a per-type, per-year sequence from 50001) and a 16-digit case number.
 */
import { randomUUID } from 'node:crypto';
import { courtCaseNumber, HMCTS_SEQUENCE_START, hmctsRef, isHmctsRef } from '../domain/identifiers.js';
import { hmctsCaseEventFormat, type HmctsCaseEvent } from '../integrations/hmcts.js';
import { TRACKER_HEADERS } from '../integrations/wire.js';
import type { SystemBehaviour } from './reference-system.js';
import { issuePaths, trackerHeadersOf, type Reception } from './reception.js';

export function hmctsBehaviour(registered: () => string[]): SystemBehaviour {
  return {
    name: 'hmcts',
    assign(message, earlier) {
      // An appeal reaching the tribunal: our event in the envelope, the tribunal's own in its language.
      if (message.type !== 'appeal.lodged' && message.type !== 'submitAppeal') return undefined;
      const known = earlier.find((m) => m.receipt.references?.hmctsRef)?.receipt.references;
      if (known) return undefined; // a repeat appeal keeps the case's reference
      const given = message.after.identifiers.hmctsRef;
      const year = Number(message.at.slice(0, 4));
      const taken = registered().filter((r) => r.startsWith('PA/') && r.endsWith(`/${year}`)).length;
      const ref = given ?? hmctsRef('PA', HMCTS_SEQUENCE_START + taken, year);
      const digits = String(year).slice(2) + String(HMCTS_SEQUENCE_START + taken).padStart(13, '0');
      return { hmctsRef: ref, courtCaseNumber: courtCaseNumber(digits.slice(0, 15)) };
    },
  };
}

/**
 * The reference HMCTS in its own language: the tribunal's case events at its path, each body
 * validated with the schema (a body that fails is refused with 400 naming the fields, as its case
 * system refuses an event it cannot take), answered as a case system answers: the case it holds,
 * its case number as `id`, the version the event made, its state and the appeal reference. A change
 * about a case the tribunal has not registered (an appeal window closing before any appeal) has no
 * case to answer with: it is acknowledged by receipt id alone.
 */
export function hmctsReception(caseRefs: (caseId: string) => Record<string, string>): Reception {
  return {
    name: hmctsCaseEventFormat.name,
    path: hmctsCaseEventFormat.path,
    read(req) {
      const parsed = hmctsCaseEventFormat.schema.safeParse(req.body);
      if (!parsed.success)
        return {
          ok: false,
          answer: { status: 400, body: { message: 'Invalid case event', errors: issuePaths(parsed.error) } },
        };
      const headers = trackerHeadersOf(req);
      if (!headers.ok)
        return { ok: false, answer: { status: 400, body: { message: 'Missing headers', errors: headers.missing } } };
      const body: HmctsCaseEvent = parsed.data;
      const given = body.case_data.appealReferenceNumber ?? body.case_reference;
      return {
        ok: true,
        receiptId: `hmcts-${randomUUID()}`,
        message: {
          key: headers.key,
          caseId: headers.caseId,
          seq: headers.seq,
          type: hmctsCaseEventFormat.typeOf(body),
          at: new Date().toISOString(),
          after: {
            stage: headers.stage,
            status: headers.status,
            identifiers: { hmctsRef: isHmctsRef(given) ? given : undefined },
          },
          ...(headers.redelivery ? { redelivery: true } : {}),
        },
      };
    },
    accepted(receipt, req, first) {
      const body = req.body as HmctsCaseEvent;
      const refs = { ...caseRefs(req.get(TRACKER_HEADERS.caseId) ?? ''), ...receipt.references };
      if (!refs.courtCaseNumber) return { status: first ? 201 : 200, body: { receiptId: receipt.receiptId } };
      return {
        status: first ? 201 : 200,
        body: {
          id: refs.courtCaseNumber,
          version: Number(req.get(TRACKER_HEADERS.seq)),
          state: body.state,
          case_data: { ...(refs.hmctsRef ? { appealReferenceNumber: refs.hmctsRef } : {}) },
        },
      };
    },
    unknownReference: (message) => ({
      status: 400,
      body: {
        message: `No case for ${message.after.identifiers.hmctsRef ?? message.caseId}`,
        errors: ['case_reference'],
      },
    }),
  };
}
