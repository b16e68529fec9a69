/**
 * CSV caps (#19): a row or a cell past its byte cap is that row's error in the report (row number,
 * column, reason), never a crash or a huge state; the rows around it are read as usual, and a file
 * the parser cannot read on is reported where it stops.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../domain/index.js';
import { TEMPLATE } from '../imports/format.js';
import { DEFAULT_CSV_LIMITS, oversize, validateFile } from '../imports/validate.js';

const [header, example] = TEMPLATE.trim().split('\n') as [string, string];
/** The template's example row under another Home Office reference, with `name` replaced. */
const row = (ref: string, name = 'Amina Yusuf') =>
  example.replace('K1234567', ref).replace('PA/50001/2026', '').replace('25/1234567A', '').replace('Amina Yusuf', name);

async function validate(lines: string[], limits = DEFAULT_CSV_LIMITS) {
  const dir = mkdtempSync(join(tmpdir(), 'import-caps-'));
  writeFileSync(join(dir, 'in.csv'), `${lines.join('\n')}\n`);
  const result = await validateFile(
    join(dir, 'in.csv'),
    join(dir, 'accepted'),
    '2026-03-02T10:00:00.000Z',
    DEFAULT_POLICY,
    limits,
  );
  const accepted = readFileSync(join(dir, 'accepted'), 'utf8').trim().split('\n').filter(Boolean);
  return { result, accepted };
}

describe('CSV caps', () => {
  it('refuses a cell past the cap by its row and column, and reads the rows around it', async () => {
    const { result, accepted } = await validate([
      header,
      row('K1000001'),
      row('K1000002', 'A'.repeat(DEFAULT_CSV_LIMITS.cellBytes + 1)),
      row('K1000003'),
    ]);
    expect(result.rejections).toEqual([{ row: 3, field: 'name', reason: 'is 1025 bytes; a cell may be at most 1024' }]);
    expect(result).toMatchObject({ rows: 3, accepted: 2, rejectedRows: 1 });
    expect(accepted).toHaveLength(2);
  });

  it('counts bytes, not characters: a name of multi-byte letters can pass the cap in fewer of them', async () => {
    const { result } = await validate([header, row('K1000001', 'é'.repeat(600))]);
    expect(result.rejections).toEqual([{ row: 2, field: 'name', reason: 'is 1200 bytes; a cell may be at most 1024' }]);
  });

  it('refuses a row past the cap as a whole, without reading its cells', async () => {
    const wide = `${row('K1000002')}${`,${'x'.repeat(1000)}`.repeat(9)}`;
    const { result, accepted } = await validate([header, wide, row('K1000003')]);
    expect(result.rejections).toEqual([
      { row: 2, field: 'row', reason: expect.stringMatching(/^is \d+ bytes; a row may be at most 8192$/) },
    ]);
    expect(result).toMatchObject({ rows: 2, accepted: 1, rejectedRows: 1 });
    expect(accepted).toHaveLength(1);
  });

  it('reports a header past the cap and reads nothing more', async () => {
    const { result } = await validate([`${header},${'h'.repeat(2000)}`, row('K1000001')]);
    expect(result.rejections).toEqual([
      { row: 1, field: 'column 34', reason: 'is 2000 bytes; a cell may be at most 1024' },
    ]);
    expect(result.accepted).toBe(0);
  });

  it('stops at a record past the parser’s ceiling (a quote never closed) and says so, keeping the rows before', async () => {
    const { result, accepted } = await validate(
      [header, row('K1000001'), `"${'z'.repeat(300 * 1024)}`, row('K1000003')],
      DEFAULT_CSV_LIMITS,
    );
    expect(accepted).toHaveLength(1);
    expect(result.rejections).toEqual([
      { row: expect.any(Number), field: 'file', reason: expect.stringContaining('cannot be read on from here') },
    ]);
  });

  it('takes its caps from settings', () => {
    expect(oversize(['abc', 'defg'], (i) => `c${i}`, { rowBytes: 100, cellBytes: 3 })).toEqual([
      { field: 'c1', message: 'is 4 bytes; a cell may be at most 3' },
    ]);
    expect(oversize(['abc', 'defg'], (i) => `c${i}`, { rowBytes: 7, cellBytes: 3 })).toEqual([
      { field: 'row', message: 'is 8 bytes; a row may be at most 7' },
    ]);
  });
});
