/**
 * A messy legacy spreadsheet with known defects, generated from a seed: the import must accept
 * and refuse exactly what this says, and the figures it brings in must equal the truth it keeps.
 * Shared by the import tests and the import benchmark.
 */
import { gwf, homeOfficeRef, uan } from '../domain/index.js';
import { daysAgo } from './dates.js';

const [Y, M, D] = [0, 1, 2];

/** Dates written as different people write them. */
const STYLES = [
  (iso: string) => iso,
  (iso: string) => iso.split('-').reverse().join('/'),
  (iso: string) => {
    const p = iso.split('-');
    return `${Number(p[D])}/${Number(p[M])}/${p[Y]}`;
  },
  (iso: string) => {
    const p = iso.split('-');
    return `${p[D]}.${p[M]}.${p[Y]}`;
  },
  (iso: string) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }),
];

export const DEFECTS = [
  'bad-ho-ref',
  'impossible-date',
  'stage-without-dates',
  'bad-uan',
  'future-decision',
  'repeated-ho-ref',
  'two-digit-year',
  'unknown-stage',
] as const;
export type Defect = (typeof DEFECTS)[number];
const DEFECT_FIELD: Record<Defect, string> = {
  'bad-ho-ref': 'ho_ref',
  'impossible-date': 'claim_date',
  'stage-without-dates': 'hearing_date',
  'bad-uan': 'uan',
  'future-decision': 'decision_date',
  'repeated-ho-ref': 'ho_ref',
  'two-digit-year': 'date_of_birth',
  'unknown-stage': 'stage',
};

export interface Sheet {
  csv: string;
  rows: number;
  /** Row number → the column its one defect is in. */
  rejections: Array<{ row: number; field: string }>;
  accepted: number;
  /** Accepted rows by Home Office reference, with the truths the reports must show. */
  good: Array<{
    row: number;
    ref: string;
    position: string;
    appeals: number;
    absconded: boolean;
    weeksSinceAppeal?: number;
    cells: Record<string, string>;
  }>;
  possibleDuplicates: number[];
  truth: { repeatAppeals: number; absconders: number };
}

function lcg(seed: number) {
  let x = seed;
  return () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

// The header in another order and in words people use; `status` last.
const HEADER = [
  'Name',
  'HO Ref',
  'D.O.B.',
  'nationality',
  'UAN',
  'GWF',
  'Supported',
  'FNO',
  'detained',
  'Current Stage',
  'Claim Date',
  'Decision Date',
  'Appeal Lodged',
  'Hearing Date',
  'Determination Date',
  'Appeals',
  'Absconded',
  'Reported On',
  'Caseworker',
  'Status',
];
const KEYS = [
  'name',
  'ho_ref',
  'dob',
  'nationality',
  'uan',
  'gwf',
  'supported',
  'fno',
  'detained',
  'stage',
  'claim',
  'decision',
  'lodged',
  'hearing',
  'determined',
  'appeals',
  'absconded',
  'reported',
  'assignee',
  'status',
] as const;
type Cells = Partial<Record<(typeof KEYS)[number], string>>;

export function messySpreadsheet(rows: number, seed = 7, refOffset = 0): Sheet {
  const rnd = lcg(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const style = () => pick(STYLES);
  const lines: string[] = [HEADER.join(',')];
  let line = 1;
  const sheet: Sheet = {
    csv: '',
    rows,
    rejections: [],
    accepted: 0,
    good: [],
    possibleDuplicates: [],
    truth: { repeatAppeals: 0, absconders: 0 },
  };
  let lastGood: { ref: string; cells: Cells } | undefined;
  for (let i = 0; i < rows; i++) {
    if (rnd() < 0.02) {
      lines.push(rnd() < 0.5 ? '' : ',,,,'); // blank rows: skipped, but they take a line
      line += 1;
    }
    line += 1;
    const n = refOffset + i;
    const ref = homeOfficeRef(pick(['K', 'H', 'T', 'B']), (n * 7919 + 13) % 10_000_000);
    const kind = pick([
      'claim',
      'claim',
      'screened',
      'refused',
      'appeal',
      'appeal',
      'appeal',
      'listed',
      'dismissed',
      'granted',
    ] as const);
    const claimAgo = 400 + Math.floor(rnd() * 300);
    const cells: Cells = {
      name:
        pick(['  Amina Yusuf', 'Tesfay Gebre ', 'Omar  Hassan', 'Sara Ahmadi', 'Ali Karimi', 'Mariam Daoud']) + ` ${n}`,
      ho_ref: rnd() < 0.3 ? ` ${ref.toLowerCase()} ` : ref,
      dob: style()(daysAgo(9000 + Math.floor(rnd() * 8000))),
      nationality: pick(['ERI', 'SDN', 'AFG', 'IRN', 'syr']),
      uan: rnd() < 0.5 ? uan(1_000_000_000_000 + n) : '',
      gwf: rnd() < 0.3 ? gwf(n % 1_000_000_000) : '',
      supported: pick(['yes', 'Y', 'no', 'TRUE', '']),
      fno: pick(['no', 'N', '', 'yes']),
      detained: pick(['no', '', 'n']),
      claim: style()(daysAgo(claimAgo)),
      appeals: '',
      assignee: pick(['j.smith', 'a.khan', '']),
    };
    let appeals = 0;
    let weeksSinceAppeal: number | undefined;
    const decision = daysAgo(claimAgo - 100 - Math.floor(rnd() * 100));
    if (kind === 'claim') cells.stage = 'Claim';
    if (kind === 'screened') Object.assign(cells, { stage: 'claim', status: 'Screened' });
    if (kind === 'granted') Object.assign(cells, { stage: 'exit', status: 'granted', decision: style()(decision) });
    // A refusal recent enough that its appeal window is still open.
    if (kind === 'refused')
      Object.assign(cells, { stage: 'Decision', status: 'refused', decision: style()(daysAgo(3)) });
    if (kind === 'appeal' || kind === 'listed' || kind === 'dismissed') {
      weeksSinceAppeal = 2 + Math.floor(rnd() * 22);
      const lodged = daysAgo(weeksSinceAppeal * 7 + 3);
      appeals = rnd() < 0.15 ? 2 : 1;
      Object.assign(cells, {
        stage: 'appeal',
        decision: style()(daysAgo(weeksSinceAppeal * 7 + 10)),
        lodged: style()(lodged),
        appeals: String(appeals),
      });
      if (kind !== 'appeal')
        Object.assign(cells, {
          stage: 'Tribunal',
          status: 'listed',
          hearing: style()(daysAgo(weeksSinceAppeal * 7 - 7)),
        });
      // Determined yesterday: the onward window is still open.
      if (kind === 'dismissed')
        Object.assign(cells, { status: 'Dismissed', hearing: style()(daysAgo(1)), determined: style()(daysAgo(1)) });
    }
    const absconded = rnd() < 0.06;
    if (absconded) cells.absconded = style()(daysAgo(30));
    else if (rnd() < 0.03) Object.assign(cells, { absconded: style()(daysAgo(90)), reported: style()(daysAgo(60)) });

    let defect: Defect | undefined = rnd() < 0.08 ? pick(DEFECTS) : undefined;
    if (defect === 'stage-without-dates' || defect === 'repeated-ho-ref') defect = lastGood ? defect : undefined;
    if (defect === 'bad-ho-ref') cells.ho_ref = ref.slice(0, 5);
    if (defect === 'impossible-date') cells.claim = '31/02/2025';
    if (defect === 'stage-without-dates')
      Object.assign(cells, {
        stage: 'tribunal',
        status: 'listed',
        decision: style()(daysAgo(60)),
        lodged: style()(daysAgo(50)),
        hearing: '',
        determined: '',
      });
    if (defect === 'bad-uan') cells.uan = '1234-5678';
    if (defect === 'future-decision')
      Object.assign(cells, {
        stage: 'decision',
        status: 'refused',
        decision: style()(daysAgo(-20)),
        lodged: '',
        hearing: '',
        determined: '',
      });
    if (defect === 'repeated-ho-ref') cells.ho_ref = lastGood!.ref;
    if (defect === 'two-digit-year') cells.dob = '04/07/89';
    if (defect === 'unknown-stage') cells.stage = 'appealing';
    // Now and then the same person again under another reference: flagged, not merged.
    const duplicatePerson = !defect && lastGood && rnd() < 0.01;
    if (duplicatePerson)
      Object.assign(cells, {
        name: lastGood!.cells.name,
        dob: lastGood!.cells.dob,
        nationality: lastGood!.cells.nationality,
      });

    lines.push(
      KEYS.map((k) => (cells[k] ?? '').replace(/,/g, ' '))
        .map((v) => (v.includes(' ') && rnd() < 0.2 ? `"${v}"` : v))
        .join(','),
    );
    if (defect) {
      sheet.rejections.push({ row: line, field: DEFECT_FIELD[defect] });
      continue;
    }
    if (duplicatePerson) sheet.possibleDuplicates.push(line);
    sheet.accepted += 1;
    sheet.good.push({
      row: line,
      ref,
      position: '',
      appeals,
      absconded,
      ...(weeksSinceAppeal !== undefined ? { weeksSinceAppeal } : {}),
      cells: cells as Record<string, string>,
    });
    if (appeals >= 2) sheet.truth.repeatAppeals += 1;
    if (absconded) sheet.truth.absconders += 1;
    lastGood = { ref, cells };
  }
  sheet.csv = `${lines.join('\r\n')}\r\n`;
  return sheet;
}

/** The same sheet with some rows changed: `renamed` rows get a new name. */
export function withRenamed(sheet: Sheet, rows: number[]): string {
  const lines = sheet.csv.split('\r\n');
  for (const row of rows) {
    const good = sheet.good.find((g) => g.row === row)!;
    lines[row - 1] = lines[row - 1]!.replace(good.cells.name!.replace(/,/g, ' '), `Corrected Name ${row}`);
  }
  return lines.join('\r\n');
}
