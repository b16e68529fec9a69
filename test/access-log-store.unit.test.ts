/** The access log's file store (#19): appended, never rewritten, whole lines from several writers. */
import { appendFileSync, mkdtempSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAccessLog, type AccessEntry } from '../api/access-log.js';

const CASE = 'AC-0K3P9T2M4Q7R';
const entry = (sub: string, i: number): AccessEntry => ({
  at: new Date(Date.UTC(2026, 11, 1, 9, 0, 0, i)).toISOString(),
  sub,
  role: 'caseworker',
  action: 'read',
  route: 'GET /cases/:caseId',
});

describe('the access log store', () => {
  it('keeps every entry of two writers on one file whole, newest first, in a file of its own per case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-store-'));
    // Two stores on one directory stand for two API processes.
    const [a, b] = [createAccessLog({ dir, fsync: false }), createAccessLog({ dir, fsync: false })];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => [a.record([CASE], entry('a', i)), b.record([CASE], entry('b', i))]).flat(),
    );
    const entries = await a.read(CASE);
    expect(entries).toHaveLength(400);
    expect(entries[0]!.at >= entries.at(-1)!.at).toBe(true);
    expect(readdirSync(dir)).toEqual([CASE.slice(-2)]);
    expect(readdirSync(join(dir, CASE.slice(-2)))).toEqual([`${CASE}.jsonl`]);
    await Promise.all([a.close(), b.close()]);
  });

  it('only ever appends, skips a line cut short by a crash (keeping the entry written after it), and names files by case ids alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-store-'));
    const log = createAccessLog({ dir, fsync: true });
    await log.record([CASE], entry('first', 1));
    const file = join(dir, CASE.slice(-2), `${CASE}.jsonl`);
    const before = statSync(file);
    appendFileSync(file, '{"at":"2026-12-01T09:00:00.002Z","sub":"torn'); // a crash mid-line
    await log.record([CASE], entry('second', 3));
    const after = statSync(file);
    expect(after.ino).toBe(before.ino);
    expect(after.size).toBeGreaterThan(before.size);
    expect((await log.read(CASE)).map((e) => e.sub)).toEqual(['second', 'first']);
    // Not a case id: nothing written, nothing read (no path from a caller's text).
    await log.record(['../../etc/passwd', 'AC-nope'], entry('x', 4));
    expect(await log.read('../x')).toEqual([]);
    expect(readdirSync(dir)).toEqual([CASE.slice(-2)]);
    await log.close();
  });

  it('keeps writing every case when more cases are written than it keeps open at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-store-'));
    const log = createAccessLog({ dir, fsync: true });
    // More case files than stay open (64), twice over, each written twice: the first round's are closed by the second's.
    const ids = Array.from({ length: 150 }, (_, i) => `AC-${String(i).padStart(12, '0')}`);
    for (const round of [1, 2]) await Promise.all(ids.map((id) => log.record([id], entry(`r${round}`, round))));
    for (const id of ids) expect((await log.read(id)).map((e) => e.sub)).toEqual(['r2', 'r1']);
    await log.close();
  });

  it('on closing, writes the entries still waiting and lets go of every file it kept open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-store-'));
    const openHere = () => readdirSync('/proc/self/fd').filter((fd) => readlinkOr(fd).startsWith(dir)).length;
    const log = createAccessLog({ dir, fsync: false });
    const ids = Array.from({ length: 10 }, (_, i) => `AC-${String(i).padStart(12, '1')}`);
    await Promise.all(ids.map((id) => log.record([id], entry('kept', 1))));
    expect(openHere()).toBe(10);
    // Recorded, not waited for: the entry is still in this tick's batch when the log closes.
    const waiting = log.record([ids[0]!], entry('waiting', 2));
    await log.close();
    await waiting;
    expect(openHere()).toBe(0);
    expect((await log.read(ids[0]!)).map((e) => e.sub)).toEqual(['waiting', 'kept']);
  });
});

function readlinkOr(fd: string): string {
  try {
    return readlinkSync(join('/proc/self/fd', fd));
  } catch {
    return ''; // closed between the listing and the read
  }
}
