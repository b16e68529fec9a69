/**
 * The same-job baseline's one activity (#21): a change to one system. The HTTP systems get the
 * POST ours makes (activities/ports.ts: the same reference system, the same idempotency key); the
 * reporting model, which ours writes from the worker itself (activities/reporting-port.ts), gets
 * the plainest equivalent: its case's row moved on in one SQLite transaction, in WAL mode with
 * synchronous=NORMAL as ours, refusing a change that arrives out of order and answering a repeat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type PlainSystem = 'homeOffice' | 'courts' | 'reporting';

export interface PlainMessage {
  key: string;
  system: PlainSystem;
  caseId: string;
  seq: number;
  type: string;
  at: string;
  event: unknown;
  after: { stage: string; status: string; identifiers: Record<string, string> };
}

export function createSameJobActivities(urls: Record<Exclude<PlainSystem, 'reporting'>, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'same-job-reporting-'));
  const db = new Database(join(dir, 'reporting.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE cases (case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, stage TEXT NOT NULL, status TEXT NOT NULL)',
  );
  const read = db.prepare<[string], { seq: number }>('SELECT seq FROM cases WHERE case_id = ?');
  const write = db.prepare(
    'INSERT INTO cases (case_id, seq, stage, status) VALUES (?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET seq = excluded.seq, stage = excluded.stage, status = excluded.status',
  );
  const apply = db.transaction((m: PlainMessage) => {
    const held = read.get(m.caseId)?.seq ?? -1;
    if (m.seq <= held) return; // a repeat: already applied
    if (m.seq !== held + 1) throw new Error(`reporting: ${m.key} out of order, expecting seq ${held + 1} first`);
    write.run(m.caseId, m.seq, m.after.stage, m.after.status);
  });

  return {
    async deliverPlain(message: PlainMessage): Promise<{ receiptId: string }> {
      if (message.system === 'reporting') {
        apply.immediate(message);
        return { receiptId: message.key };
      }
      const res = await fetch(new URL('/messages', urls[message.system]), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': message.key },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${message.system} answered ${res.status}: ${text.slice(0, 200)}`);
      return JSON.parse(text) as { receiptId: string };
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type SameJobActivities = Pick<ReturnType<typeof createSameJobActivities>, 'deliverPlain'>;
