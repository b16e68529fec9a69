/**
 * The import format: spreadsheet columns, the names people give them, and how a messy cell
 * becomes a clean value. Tolerant where spreadsheets are messy (header names and order, spaces,
 * case, several date formats, yes/no/Y/1), strict where it matters (identifiers, real dates,
 * known stages). The column table in docs/imports.md is this file in prose.
 */
import { format as formatDate, isValid, parse as parseDate } from 'date-fns';
import {
  GRANTS,
  isGwf,
  isHmctsRef,
  isHomeOfficeRef,
  isLocalAuthorityRef,
  isPnc,
  isPrisonNumber,
  isUan,
  POSITIONS,
  type FieldError,
  type Grant,
  type ImportRecord,
  type Position,
} from '../domain/index.js';

type Column = {
  /** Other headers that mean this column, after lower-casing and squeezing to `a_b`. */
  aliases: string[];
  required?: boolean;
  /** The record field it fills, for errors the domain reports by field. */
  field?: keyof ImportRecord;
  help: string;
  example: string;
};

export const COLUMNS = {
  ho_ref: {
    aliases: ['home_office_ref', 'home_office_reference', 'ho_reference', 'horef'],
    required: true,
    field: 'homeOfficeRef',
    help: 'Home Office reference: a letter and 7 digits',
    example: 'K1234567',
  },
  uan: {
    aliases: ['unique_application_number'],
    field: 'uan',
    help: 'UAN, NNNN-NNNN-NNNN-NNNN',
    example: '1234-5678-9012-3456',
  },
  gwf: { aliases: ['gwf_ref', 'gwf_reference'], field: 'gwf', help: 'GWF and 9 digits', example: 'GWF012345678' },
  hmcts_ref: {
    aliases: ['hmcts_reference', 'appeal_ref', 'appeal_reference', 'tribunal_ref'],
    field: 'hmctsRef',
    help: 'HMCTS appeal reference',
    example: 'PA/50001/2026',
  },
  pnc: {
    aliases: ['pnc_id', 'pnc_number', 'pnc_ref', 'police_national_computer'],
    field: 'pnc',
    help: 'Police National Computer id: YY/NNNNNNN and its check letter',
    example: '25/1234567A',
  },
  prison_number: {
    aliases: ['prisonnumber', 'prison_no', 'noms_number', 'noms_id', 'noms'],
    field: 'prisonNumber',
    help: 'Prison (NOMS) number: a letter, 4 digits and 2 letters',
    example: '',
  },
  local_authority_ref: {
    aliases: ['localauthorityref', 'local_authority_reference', 'la_ref', 'la_reference', 'council_ref'],
    field: 'localAuthorityRef',
    help: "The local authority's reference: letters, digits, - and ., at most 40",
    example: 'LA-2025.0042',
  },
  name: {
    aliases: ['full_name', 'person', 'person_name', 'appellant', 'claimant'],
    required: true,
    help: 'Full name',
    example: 'Amina Yusuf',
  },
  date_of_birth: {
    aliases: ['dob', 'd_o_b', 'birth_date'],
    required: true,
    help: 'Date of birth',
    example: '12/06/1994',
  },
  nationality: {
    aliases: ['country', 'nationality_code'],
    required: true,
    help: 'Nationality (ISO code or name)',
    example: 'SDN',
  },
  supported_accommodation: {
    aliases: ['supported', 'asylum_support', 'in_supported_accommodation'],
    help: 'yes/no',
    example: 'yes',
  },
  supported_accommodation_from: {
    aliases: ['supportedaccommodationfrom', 'supported_from', 'supported_since', 'supported_accommodation_since'],
    field: 'supportedAccommodationFrom',
    help: 'Date the appellant entered supported accommodation (blank supported_accommodation: yes)',
    example: '2025-06-01',
  },
  foreign_national_offender: { aliases: ['fno'], help: 'yes/no', example: 'no' },
  detained: { aliases: ['in_detention'], help: 'yes/no', example: 'no' },
  detained_from: {
    aliases: ['detainedfrom', 'detained_on', 'detained_since', 'date_detained', 'detention_date'],
    field: 'detainedFrom',
    help: 'Date the appellant was detained (blank detained: yes, unless released)',
    example: '',
  },
  released_on: {
    aliases: ['releasedon', 'released_from_detention', 'release_date', 'date_released'],
    field: 'releasedOn',
    help: 'Date the appellant was released from that detention (needs detained_from)',
    example: '',
  },
  stage: {
    aliases: ['current_stage'],
    required: true,
    field: 'position',
    help: 'claim, decision, appeal, tribunal or exit (or stage:status)',
    example: 'tribunal',
  },
  status: {
    aliases: ['current_status'],
    field: 'position',
    help: 'status within the stage, e.g. listed',
    example: 'listed',
  },
  grant: {
    aliases: ['grant_type', 'type_of_grant', 'granted_as'],
    field: 'grant',
    help: 'refugee or humanitarian-protection: what a grant at decision gave (required for exit:granted when the column is there)',
    example: '',
  },
  claim_date: {
    aliases: ['claim_lodged', 'claimed_on', 'date_of_claim'],
    required: true,
    field: 'claimDate',
    help: 'Date the claim was lodged',
    example: '03/02/2025',
  },
  decision_date: {
    aliases: ['decided_on', 'refusal_date', 'date_of_decision'],
    field: 'decisionDate',
    help: 'Date of the Home Office decision',
    example: '2025-09-10',
  },
  sent_on: {
    aliases: ['senton', 'sent_date', 'notice_sent', 'refusal_sent', 'decision_sent', 'date_sent'],
    field: 'sentOn',
    help: 'Date the refusal notice was sent: the appeal window runs from it',
    example: '2025-09-11',
  },
  out_of_country: {
    aliases: ['ooc'],
    field: 'outOfCountry',
    help: 'yes/no: appeal from outside the UK',
    example: 'no',
  },
  appeal_lodged_date: {
    aliases: ['appeal_lodged', 'appeal_date', 'lodged_on'],
    field: 'appealLodgedDate',
    help: 'Date the appeal was lodged',
    example: '20 Sep 2025',
  },
  hearing_date: {
    aliases: ['hearing', 'listed_for'],
    field: 'hearingDate',
    help: 'Hearing date',
    example: '2026-01-14',
  },
  determined_date: {
    aliases: ['determination_date', 'determined_on', 'decision_promulgated'],
    field: 'determinedDate',
    help: 'Date the tribunal determined the appeal',
    example: '',
  },
  exit_date: {
    aliases: ['exited_on', 'closed_on', 'date_closed'],
    field: 'exitDate',
    help: 'Date the case left the process',
    example: '',
  },
  claims: {
    aliases: ['number_of_claims', 'claim_count'],
    field: 'claims',
    help: 'How many claims (1 + fresh claims)',
    example: '1',
  },
  appeals: {
    aliases: ['number_of_appeals', 'appeal_count'],
    field: 'appeals',
    help: 'How many appeals, this one included',
    example: '1',
  },
  absconded_from: {
    aliases: ['absconded', 'absconded_on'],
    field: 'abscondedFrom',
    help: 'Start of the current or latest absconding',
    example: '',
  },
  absconded_to: {
    aliases: ['reported_on', 'recontacted_on'],
    field: 'abscondedTo',
    help: 'End of it (blank while still absconded)',
    example: '',
  },
  abscondings: {
    aliases: ['times_absconded', 'absconding_count'],
    field: 'abscondings',
    help: 'How many times absconded in all',
    example: '0',
  },
  assignee: { aliases: ['caseworker', 'owner', 'assigned_to'], help: 'Who holds the case', example: 'j.smith' },
} satisfies Record<string, Column>;

export type ColumnName = keyof typeof COLUMNS;

const squeeze = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
const BY_ALIAS = new Map<string, ColumnName>(
  Object.entries(COLUMNS).flatMap(([name, c]) => [
    [name, name as ColumnName],
    ...c.aliases.map((a) => [a, name as ColumnName] as [string, ColumnName]),
  ]),
);

/** Maps each header cell to its column; unknown headers are reported, duplicates refused. */
export function readHeader(
  cells: string[],
): { ok: true; columns: Array<ColumnName | undefined>; ignored: string[] } | { ok: false; errors: FieldError[] } {
  const columns = cells.map((c) => BY_ALIAS.get(squeeze(c)));
  const errors: FieldError[] = [];
  const seen = new Set<ColumnName>();
  for (const c of columns) {
    if (c && seen.has(c)) errors.push({ field: c, message: 'appears twice in the header' });
    if (c) seen.add(c);
  }
  for (const [name, c] of Object.entries(COLUMNS))
    if ('required' in c && c.required && !seen.has(name as ColumnName))
      errors.push({ field: name, message: 'column is missing from the header' });
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, columns, ignored: cells.filter((_, i) => !columns[i]) };
}

// UK spreadsheets: day before month. Two-digit years are refused rather than guessed.
const DATE_FORMATS = [
  'yyyy-MM-dd',
  'dd/MM/yyyy',
  'd/M/yyyy',
  'dd-MM-yyyy',
  'd-M-yyyy',
  'dd.MM.yyyy',
  'd.M.yyyy',
  'yyyy/MM/dd',
  'd MMM yyyy',
  'd MMMM yyyy',
  'dd-MMM-yyyy',
  'd-MMM-yyyy',
  'MMM d, yyyy',
  'MMMM d, yyyy',
];
const REFERENCE_DAY = new Date(2000, 0, 1);

export function cleanDate(value: string): string | { error: string } {
  // "Sept" is how en-GB writes September short; date-fns expects "Sep".
  const v = value
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/T00:00(:00(\.000)?)?Z?$/, '')
    .replace(/\bSept\b/i, 'Sep');
  for (const f of DATE_FORMATS) {
    const d = parseDate(v, f, REFERENCE_DAY);
    if (isValid(d) && d.getFullYear() >= 1900) return formatDate(d, 'yyyy-MM-dd');
  }
  return {
    error: /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/.test(v)
      ? `"${value}" has a two-digit year; write the year in full`
      : `"${value}" is not a real date (use e.g. 2026-01-31 or 31/01/2026)`,
  };
}

const YES = new Set(['y', 'yes', 'true', '1', 'x']);
const NO = new Set(['n', 'no', 'false', '0', '']);
function cleanFlag(value: string): boolean | { error: string } {
  const v = value.trim().toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return { error: `"${value}" is not yes or no` };
}

function cleanCount(value: string): number | { error: string } {
  const v = value.trim();
  return /^\d{1,3}$/.test(v) ? Number(v) : { error: `"${value}" is not a whole number` };
}

function cleanPosition(stage: string, status: string): Position | { error: string } {
  const norm = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-');
  const s = norm(stage);
  const position = s.includes(':') ? s : `${s}:${norm(status)}`;
  if ((POSITIONS as readonly string[]).includes(position)) return position as Position;
  // A blank status is where a case enters its stage (claim: lodged, tribunal: listed); an exit must say which.
  const entry = POSITIONS.find((p) => p.startsWith(`${s}:`));
  if (!status.trim() && entry && s !== 'exit') return entry;
  return {
    error: `"${[stage, status].filter(Boolean).join(' / ')}" is not a known stage and status (${POSITIONS.join(', ')})`,
  };
}

const IDENTIFIERS: Array<[ColumnName, (v: string) => boolean, string]> = [
  ['ho_ref', isHomeOfficeRef, 'a letter and 7 digits, e.g. K1234567'],
  ['uan', isUan, 'NNNN-NNNN-NNNN-NNNN'],
  ['gwf', isGwf, 'GWF and 9 digits'],
  ['hmcts_ref', isHmctsRef, 'like PA/50001/2026'],
  ['pnc', isPnc, 'YY/NNNNNNN and the check letter that fits them, e.g. 25/1234567A'],
  ['prison_number', isPrisonNumber, 'a letter, 4 digits and 2 letters, e.g. A1234BC'],
  ['local_authority_ref', isLocalAuthorityRef, 'letters, digits, - and ., at most 40'],
];

/** How sheets write the two grants. */
const GRANT_WORDS: Record<string, Grant> = {
  refugee: 'refugee',
  'refugee-status': 'refugee',
  'humanitarian-protection': 'humanitarian-protection',
  hp: 'humanitarian-protection',
};
function cleanGrant(value: string): Grant | { error: string } {
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return GRANT_WORDS[v] ?? { error: `"${value}" is not a grant: ${GRANTS.join(' or ')}` };
}

export type RowResult = { ok: true; record: ImportRecord } | { ok: false; errors: FieldError[] };

/** One data row, by column, to a clean record or every reason it is not one (named by column). */
export function cleanRow(cells: Partial<Record<ColumnName, string>>): RowResult {
  const errors: FieldError[] = [];
  const cell = (c: ColumnName) => (cells[c] ?? '').trim();
  const take = <T>(c: ColumnName, result: T | { error: string }): T | undefined => {
    if (typeof result === 'object' && result !== null && 'error' in result) {
      errors.push({ field: c, message: result.error });
      return undefined;
    }
    return result as T;
  };
  const ids: Partial<Record<ColumnName, string>> = {};
  for (const [c, valid, shape] of IDENTIFIERS) {
    const v = cell(c).toUpperCase().replace(/\s+/g, '');
    if (!v) continue;
    if (valid(v)) ids[c] = v;
    else errors.push({ field: c, message: `"${cell(c)}" is not valid: ${shape}` });
  }
  for (const c of ['ho_ref', 'name', 'date_of_birth', 'nationality', 'stage', 'claim_date'] as const)
    if (!cell(c)) errors.push({ field: c, message: 'is required' });
  const date = (c: ColumnName) => (cell(c) ? take<string>(c, cleanDate(cell(c))) : undefined);
  const flag = (c: ColumnName) => take<boolean>(c, cleanFlag(cell(c))) ?? false;
  const count = (c: ColumnName) => (cell(c) ? take<number>(c, cleanCount(cell(c))) : undefined);
  // Dated cohort facts say the circumstance holds now unless the sheet says otherwise: a blank flag follows them.
  const supportedFrom = date('supported_accommodation_from');
  const detainedFrom = date('detained_from');
  const releasedOn = date('released_on');
  const flagOr = (c: ColumnName, implied: boolean) => (cell(c) ? flag(c) : implied);
  const dateOfBirth = date('date_of_birth');
  const claimDate = date('claim_date');
  const position = cell('stage') ? take<Position>('stage', cleanPosition(cell('stage'), cell('status'))) : undefined;
  const record: Partial<ImportRecord> = {
    homeOfficeRef: ids.ho_ref!,
    ...(ids.uan ? { uan: ids.uan } : {}),
    ...(ids.gwf ? { gwf: ids.gwf } : {}),
    ...(ids.hmcts_ref ? { hmctsRef: ids.hmcts_ref } : {}),
    person: {
      name: cell('name').replace(/\s+/g, ' '),
      dateOfBirth: dateOfBirth!,
      nationality: cell('nationality').toUpperCase(),
    },
    cohort: {
      supportedAccommodation: flagOr('supported_accommodation', supportedFrom !== undefined),
      foreignNationalOffender: flag('foreign_national_offender'),
      detained: flagOr('detained', detainedFrom !== undefined && releasedOn === undefined),
    },
    ...(cell('assignee') ? { assignee: cell('assignee') } : {}),
    position: position!,
    claimDate: claimDate!,
  };
  const optional: Array<[ColumnName, keyof ImportRecord, unknown]> = [
    ['decision_date', 'decisionDate', date('decision_date')],
    ['out_of_country', 'outOfCountry', cell('out_of_country') ? flag('out_of_country') : undefined],
    ['appeal_lodged_date', 'appealLodgedDate', date('appeal_lodged_date')],
    ['hearing_date', 'hearingDate', date('hearing_date')],
    ['determined_date', 'determinedDate', date('determined_date')],
    ['exit_date', 'exitDate', date('exit_date')],
    ['claims', 'claims', count('claims')],
    ['appeals', 'appeals', count('appeals')],
    ['absconded_from', 'abscondedFrom', date('absconded_from')],
    ['absconded_to', 'abscondedTo', date('absconded_to')],
    ['abscondings', 'abscondings', count('abscondings')],
    ['grant', 'grant', cell('grant') ? take<Grant>('grant', cleanGrant(cell('grant'))) : undefined],
    ['sent_on', 'sentOn', date('sent_on')],
    ['pnc', 'pnc', ids.pnc],
    ['prison_number', 'prisonNumber', ids.prison_number],
    ['local_authority_ref', 'localAuthorityRef', ids.local_authority_ref],
    ['supported_accommodation_from', 'supportedAccommodationFrom', supportedFrom],
    ['detained_from', 'detainedFrom', detainedFrom],
    ['released_on', 'releasedOn', releasedOn],
  ];
  for (const [, field, value] of optional) if (value !== undefined) (record as Record<string, unknown>)[field] = value;
  // A sheet with a grant column says which grant for every case granted at decision.
  if (cells.grant !== undefined && !cell('grant') && position === 'exit:granted')
    errors.push({ field: 'grant', message: `is required for a case granted at decision: ${GRANTS.join(' or ')}` });
  if (dateOfBirth && claimDate && dateOfBirth >= claimDate)
    errors.push({ field: 'date_of_birth', message: `${dateOfBirth} is not before the claim date ${claimDate}` });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, record: record as ImportRecord };
}

/** The column a record field came from, for errors the domain names by field. */
export function columnOf(field: string): string {
  const found = Object.entries(COLUMNS).find(([, c]) => 'field' in c && c.field === field);
  return found ? found[0] : field;
}

/** The header line and one example row, for `GET /imports/template.csv` and `npm run import -- --template`. */
export const TEMPLATE = `${Object.keys(COLUMNS).join(',')}\n${Object.values(COLUMNS)
  .map((c) => (c.example.includes(',') ? `"${c.example}"` : c.example))
  .join(',')}\n`;
