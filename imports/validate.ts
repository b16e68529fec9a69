/**
 * The first pass over an uploaded file: every row parsed, cleaned and checked (on its own, against
 * the lifecycle, and against the rows before it), the accepted ones written out in order for the
 * second pass to bring in. Streaming: a 50,000-row file never sits in memory as text.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CsvError, parse } from 'csv-parse';
import { importedState, personKeys, type FieldError, type ImportRecord, type Policy } from '../domain/index.js';
import { cleanRow, columnOf, readHeader, type ColumnName } from './format.js';

export interface Rejection {
  /** The spreadsheet's row number (the header is row 1). */
  row: number;
  field: string;
  reason: string;
}

export interface PossibleDuplicate {
  row: number;
  /** The earlier row that seems to describe the same person under another Home Office reference. */
  sameAs: number;
  reason: string;
}

export interface Validation {
  /** Data rows read (blank rows not counted). */
  rows: number;
  accepted: number;
  rejectedRows: number;
  /** Every reason, one per field at fault, in row order (capped: see `truncated`). */
  rejections: Rejection[];
  truncated: boolean;
  possibleDuplicates: PossibleDuplicate[];
  ignoredColumns: string[];
}

export interface AcceptedRow {
  row: number;
  record: ImportRecord;
}

/** What a reason says in place of a person's details it would otherwise quote. */
export const WITHHELD = '[withheld]';

/**
 * A reason as the report keeps it: any of the row's personal details it quotes (name, date of
 * birth, nationality, as written or as cleaned) withheld. The report outlives the upload, which is
 * deleted when the import ends, so it must not become a copy of the people in it; a row number and
 * a column are enough to find the cell in the sheet the supervisor still has.
 */
export function withoutPersonalDetails(reason: string, details: ReadonlyArray<string | undefined>): string {
  const values = [...new Set(details.map((d) => d?.trim() ?? '').filter((d) => d.length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  return values.reduce(
    (text, value) =>
      text.replace(
        new RegExp(`(?<![\\p{L}\\p{N}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu'),
        WITHHELD,
      ),
    reason,
  );
}

/** Enough to fix any real spreadsheet; past it the counts stay exact and the list says it was cut. */
export const REJECTIONS_KEPT = 5_000;

/**
 * How long a row and a cell may be, in bytes of UTF-8 (settings IMPORT_MAX_ROW_BYTES,
 * IMPORT_MAX_CELL_BYTES). A longer one is that row's error, never read further: no field of the
 * format needs more, and what is read goes into case state and the workflow's history.
 */
export interface CsvLimits {
  rowBytes: number;
  cellBytes: number;
}
export const DEFAULT_CSV_LIMITS: CsvLimits = { rowBytes: 8 * 1024, cellBytes: 1024 };

/**
 * The parser's own ceiling on one record, well past the row cap: a row up to it is parsed and
 * reported by its row number; one past it (a quote never closed swallows the rest of the file)
 * stops the reading, reported as the file's error at that line, without holding the rest in memory.
 */
const parserCeiling = (limits: CsvLimits) => Math.max(limits.rowBytes * 16, 256 * 1024);

/** Why a row is too long (the row as a whole, or each cell past the cap), as the report's rejections. */
export function oversize(
  cells: readonly string[],
  columnName: (index: number) => string,
  limits: CsvLimits,
): FieldError[] {
  const bytes = cells.map((c) => Buffer.byteLength(c, 'utf8'));
  const rowBytes = bytes.reduce((a, b) => a + b, 0) + Math.max(0, cells.length - 1);
  if (rowBytes > limits.rowBytes)
    return [{ field: 'row', message: `is ${rowBytes} bytes; a row may be at most ${limits.rowBytes}` }];
  return bytes.flatMap((b, i) =>
    b > limits.cellBytes
      ? [{ field: columnName(i), message: `is ${b} bytes; a cell may be at most ${limits.cellBytes}` }]
      : [],
  );
}

export async function validateFile(
  file: string,
  acceptedFile: string,
  at: string,
  policy: Policy,
  limits: CsvLimits = DEFAULT_CSV_LIMITS,
): Promise<Validation> {
  const out = createWriteStream(acceptedFile);
  const result: Validation = {
    rows: 0,
    accepted: 0,
    rejectedRows: 0,
    rejections: [],
    truncated: false,
    possibleDuplicates: [],
    ignoredColumns: [],
  };
  const reject = (row: number, errors: FieldError[], details: ReadonlyArray<string | undefined> = []) => {
    result.rejectedRows += 1;
    for (const e of errors) {
      if (result.rejections.length < REJECTIONS_KEPT)
        result.rejections.push({ row, field: e.field, reason: withoutPersonalDetails(e.message, details) });
      else result.truncated = true;
    }
  };
  const byRef = new Map<string, number>();
  const byPerson = new Map<string, { row: number; ref: string }>();
  let columns: Array<ColumnName | undefined> | undefined;
  let header: string[] = [];
  let stopped = false;
  const input = createReadStream(file);
  const parser = input.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: parserCeiling(limits),
    }),
  );
  const columnName = (i: number) => header[i]?.trim() || `column ${i + 1}`;
  try {
    for await (const { record: cells, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const row = info.lines;
      if (cells.every((c) => c.trim() === '')) continue; // a row of empty cells is a blank row
      const tooLong = oversize(cells, columnName, limits);
      if (tooLong.length > 0) {
        if (columns) result.rows += 1;
        reject(row, tooLong);
        if (!columns) break; // without a header no row can be read
        continue;
      }
      await checkRow(row, cells);
      if (stopped) break;
    }
  } catch (err) {
    // A file the parser cannot read on (a quote never closed, a record past the ceiling): the
    // report says where, the rows before it stand, and the activity is not retried on it.
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines;
    reject(line ?? result.rows + 1, [{ field: 'file', message: `cannot be read on from here: ${err.message}` }]);
  }
  input.destroy();

  async function checkRow(row: number, cells: string[]): Promise<void> {
    if (!columns) {
      const read = readHeader(cells);
      if (!read.ok) {
        reject(row, read.errors);
        stopped = true; // without a header no row can be read
        return;
      }
      columns = read.columns;
      header = cells;
      result.ignoredColumns = read.ignored;
      return;
    }
    result.rows += 1;
    const byColumn: Partial<Record<ColumnName, string>> = {};
    columns.forEach((c, i) => c && (byColumn[c] = cells[i] ?? ''));
    const written = [byColumn.name, byColumn.date_of_birth, byColumn.nationality];
    const cleaned = cleanRow(byColumn);
    if (!cleaned.ok) {
      reject(row, cleaned.errors, written);
      return;
    }
    const r = cleaned.record;
    const built = importedState(r, 'check', at, policy);
    if (!built.ok) {
      reject(
        row,
        built.errors.map((e) => ({ field: columnOf(e.field), message: e.message })),
        [...written, r.person.name, r.person.dateOfBirth, r.person.nationality],
      );
      return;
    }
    const earlier = byRef.get(r.homeOfficeRef);
    if (earlier !== undefined) {
      reject(row, [{ field: 'ho_ref', message: `${r.homeOfficeRef} is already on row ${earlier}` }]);
      return;
    }
    byRef.set(r.homeOfficeRef, row);
    // The same person under two references is flagged for a person to look at, never merged.
    for (const key of personKeys(r)) {
      const seen = byPerson.get(key);
      if (seen && seen.ref !== r.homeOfficeRef) {
        result.possibleDuplicates.push({
          row,
          sameAs: seen.row,
          reason: key.startsWith('person:')
            ? 'same name, date of birth and nationality'
            : `same ${key.split(':')[0]!.toUpperCase()}`,
        });
        break;
      }
      if (!seen) byPerson.set(key, { row, ref: r.homeOfficeRef });
    }
    result.accepted += 1;
    if (!out.write(`${JSON.stringify({ row, record: r } satisfies AcceptedRow)}\n`)) await once(out, 'drain');
  }
  if (!columns && result.rejections.length === 0)
    reject(1, [{ field: 'file', message: 'is empty: a header row and at least one row are needed' }]);
  out.end();
  await once(out, 'finish');
  return result;
}
