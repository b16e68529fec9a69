/**
 * The identifiers each system uses, and ours, which maps them all. Validators and generators are
 * pure; generators take the sequence or entropy from the caller so this module stays deterministic.
 */

/** Home Office unique application number: NNNN-NNNN-NNNN-NNNN. */
export const UAN_PATTERN = /^\d{4}-\d{4}-\d{4}-\d{4}$/;
/** Home Office GWF reference: GWF + 9 digits. */
export const GWF_PATTERN = /^GWF\d{9}$/;
/** Home Office case reference: a letter and 7 digits, optionally /NNN for a dependant. */
export const HO_REF_PATTERN = /^[A-Z]\d{7}(\/\d{3})?$/;
/** HMCTS appeal reference TYPE/NNNNN/YYYY; the number is a per-type, per-year sequence from 50001. */
export const HMCTS_REF_PATTERN = /^(PA|RP|HU|EA|DC|DA|IA)\/(\d{5})\/(\d{4})$/;
export const HMCTS_APPEAL_TYPES = ['PA', 'RP', 'HU', 'EA', 'DC', 'DA', 'IA'] as const;
export type HmctsAppealType = (typeof HMCTS_APPEAL_TYPES)[number];
export const HMCTS_SEQUENCE_START = 50001;
/** Our case id: AC- and 12 Crockford base-32 characters (60 bits). */
export const CASE_ID_PATTERN = /^AC-[0-9A-HJKMNP-TV-Z]{12}$/;

/**
 * Police National Computer ID as displayed: 2-digit year, slash, the serial (up to 7 digits, leading
 * zeroes suppressed) and a check letter.
 */
export const PNC_PATTERN = /^(\d{2})\/(\d{1,7})([A-Z])$/;
/** The PNC's check letters: the remainder mod 23 indexes them (0 is Z; I, O and S are never used). */
const PNC_CHECK_LETTERS = 'ZABCDEFGHJKLMNPQRTUVWXY';
/** Prison number (NOMIS): a letter, four digits and two letters, e.g. A1234BC. */
export const PRISON_NUMBER_PATTERN = /^[A-Z]\d{4}[A-Z]{2}$/;
/** A local authority's own reference: up to 40 letters, digits, hyphens and full stops, starting with a letter or digit. */
export const LOCAL_AUTHORITY_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.-]{0,39}$/;

export const isUan = (s: string) => UAN_PATTERN.test(s);
export const isGwf = (s: string) => GWF_PATTERN.test(s);
export const isHomeOfficeRef = (s: string) => HO_REF_PATTERN.test(s);
export const isCaseId = (s: string) => CASE_ID_PATTERN.test(s);

export const isPrisonNumber = (s: string) => PRISON_NUMBER_PATTERN.test(s);
export const isLocalAuthorityRef = (s: string) => LOCAL_AUTHORITY_REF_PATTERN.test(s);

/**
 * A PNC ID's check letter: the 2-digit year followed by the serial zero-padded to 7 digits, read as
 * one number, mod 23, indexes ZABCDEFGHJKLMNPQRTUVWXY.
 */
export function pncCheckLetter(year: string, serial: string): string {
  if (!/^\d{2}$/.test(year) || !/^\d{1,7}$/.test(serial))
    throw new RangeError('a PNC year has 2 digits, its serial 1 to 7');
  return PNC_CHECK_LETTERS[Number(`${year}${serial.padStart(7, '0')}`) % 23]!;
}

/** Shaped like a PNC ID (the check letter not yet checked). */
export const looksLikePnc = (s: string) => PNC_PATTERN.test(s);

/** A PNC ID whose check letter is right. */
export function isPnc(s: string): boolean {
  const m = PNC_PATTERN.exec(s);
  return m !== null && pncCheckLetter(m[1]!, m[2]!) === m[3];
}

/** A PNC ID as displayed (leading zeroes of the serial suppressed), so one person has one form to search by. */
export function canonicalPnc(s: string): string {
  const m = PNC_PATTERN.exec(s);
  return m ? `${m[1]}/${String(Number(m[2]))}${m[3]}` : s;
}

export function isHmctsRef(s: string): boolean {
  const m = HMCTS_REF_PATTERN.exec(s);
  return m !== null && Number(m[2]) >= HMCTS_SEQUENCE_START;
}

/** Luhn check digit for a string of digits (the digit that makes the whole sum ≡ 0 mod 10). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** HMCTS's internal 16-digit case number: 15 digits and a Luhn check digit. */
export function isCourtCaseNumber(s: string): boolean {
  return /^\d{16}$/.test(s) && luhnCheckDigit(s.slice(0, 15)) === Number(s[15]);
}

export function courtCaseNumber(first15: string): string {
  if (!/^\d{15}$/.test(first15)) throw new RangeError('courtCaseNumber needs exactly 15 digits');
  return `${first15}${luhnCheckDigit(first15)}`;
}

export function hmctsRef(type: HmctsAppealType, sequence: number, year: number): string {
  if (sequence < HMCTS_SEQUENCE_START || sequence > 99999)
    throw new RangeError(`HMCTS sequence ${sequence} outside ${HMCTS_SEQUENCE_START}..99999`);
  return `${type}/${sequence}/${year}`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function uan(n: number): string {
  const digits = pad(n % 1e16, 16);
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}-${digits.slice(12)}`;
}
export const gwf = (n: number) => `GWF${pad(n % 1e9, 9)}`;
export const homeOfficeRef = (letter: string, n: number) => `${letter.toUpperCase().slice(0, 1)}${pad(n % 1e7, 7)}`;

/** A PNC ID with its check letter, for a year and serial (as tests make them). */
export const pnc = (year: number, serial: number) => {
  const y = pad(year % 100, 2);
  const n = String(serial % 1e7);
  return `${y}/${n}${pncCheckLetter(y, n)}`;
};

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Our case id from at least 8 bytes of entropy (the API feeds a hash of the HO reference). */
export function formatCaseId(bytes: Uint8Array): string {
  if (bytes.length < 8) throw new RangeError('formatCaseId needs at least 8 bytes');
  let bits = 0n;
  for (const b of bytes.slice(0, 8)) bits = (bits << 8n) | BigInt(b);
  bits >>= 4n; // 64 → 60 bits = 12 characters
  let out = '';
  for (let i = 0; i < 12; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `AC-${out}`;
}

/** The references an event's field may carry (a field of kind `identifier`), each with its check. */
export const IDENTIFIER_FORMATS = {
  caseId: isCaseId,
  pnc: isPnc,
  prisonNumber: isPrisonNumber,
  localAuthorityRef: isLocalAuthorityRef,
} as const satisfies Record<string, (s: string) => boolean>;
export type IdentifierFormat = keyof typeof IDENTIFIER_FORMATS;

/**
 * Shaped like some reference a case can be found by: ours, the Home Office's, HMCTS's, a PNC ID, a
 * prison number or a local authority's reference.
 */
export const isCaseReference = (s: string): boolean =>
  [
    isCaseId,
    isHomeOfficeRef,
    isUan,
    isGwf,
    isHmctsRef,
    isCourtCaseNumber,
    isPnc,
    isPrisonNumber,
    isLocalAuthorityRef,
  ].some((is) => is(s));
