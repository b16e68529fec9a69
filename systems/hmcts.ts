/**
 * HMCTS's side: when an appeal reaches it, it registers the appeal under its own reference
 * TYPE/NNNNN/YYYY (a per-type, per-year sequence from 50001) and a 16-digit case number.
 */
import { courtCaseNumber, HMCTS_SEQUENCE_START, hmctsRef } from '../domain/identifiers.js';
import type { SystemBehaviour } from './reference-system.js';

export function hmctsBehaviour(registered: () => string[]): SystemBehaviour {
  return {
    name: 'hmcts',
    assign(message, earlier) {
      if (message.type !== 'appeal.lodged') return undefined;
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
