/**
 * The access log's store: who read or changed which case, kept apart from the case's history (which
 * erasure deletes) in one JSON-lines file per case, `<dir>/<last two characters of the id>/<caseId>.jsonl`.
 * Files are opened with O_APPEND and never rewritten. Entries recorded in the same tick go out
 * together, one write per case file (and one fdatasync when `fsync`), and every answer waiting on
 * them waits for that write: what the response says was read is on disk before the response leaves.
 * Several API processes on one machine may append to the same file: each batch is one write(2) of
 * whole lines on an O_APPEND descriptor, which Linux applies at the end of the file without
 * interleaving it with another process's write. Reading a case's log reads its one file.
 * The descriptors of the files written last stay open (OPEN_KEPT of them): a caseworker's changes to
 * a case come one after another, and opening, checking and closing its file around every entry was
 * three of the five file operations each one cost.
 */
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isCaseId } from '../domain/index.js';

/** What a caller did to a case: the contract's `action`. */
export const ACCESS_ACTIONS = [
  'open',
  'read',
  'timeline',
  'export',
  'search-hit',
  'person-lookup',
  'change',
  'access-log',
  'erase',
  'erase-failed',
  'denied',
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

export interface AccessEntry {
  at: string;
  sub: string;
  role: string;
  action: AccessAction;
  /** The method and route pattern (`GET /cases/:caseId`): never a query string or a person's reference. */
  route: string;
  /** Why, where the action needs one (erasure). */
  reason?: string;
}

export interface AccessLog {
  /** Appends the entry to each case's log; resolves once it is written (and synced, with `fsync`). */
  record(caseIds: readonly string[], entry: AccessEntry): Promise<void>;
  /** A case's entries, newest first. */
  read(caseId: string): Promise<AccessEntry[]>;
  /** Writes what is waiting and closes the files kept open: on shutdown, once no request is in flight. */
  close(): Promise<void>;
}

export interface AccessLogConfig {
  dir: string;
  fsync: boolean;
}

/** How many case files stay open between writes, the least recently written closed first. */
const OPEN_KEPT = 64;

/** How every line begins: `at` is the first key written. */
const ENTRY_START = '{"at":';

interface Batch {
  lines: string[];
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export function createAccessLog({ dir, fsync }: AccessLogConfig): AccessLog {
  // A case id is [0-9A-Z-] only (checked before it names a file); its last characters come from a hash, so shards fill evenly.
  const fileOf = (caseId: string) => join(dir, caseId.slice(-2), `${caseId}.jsonl`);
  let pending = new Map<string, Batch>();
  const shards = new Set<string>();
  /** Open case files, least recently written first; `users`: writes in progress on it. */
  const files = new Map<string, { handle: Promise<FileHandle>; users: number; broken: boolean }>();

  async function append(file: string, text: string): Promise<void> {
    const shard = dirname(file);
    if (!shards.has(shard)) {
      const made = await mkdir(shard, { recursive: true, mode: 0o700 });
      // A directory this made is durable once its parent's entry for it is.
      if (made && fsync) for (const parent of new Set([dirname(made), dirname(shard)])) await syncDirectory(parent);
      shards.add(shard);
    }
    const kept = files.get(file);
    files.delete(file); // back in at the end: the most recently written
    // Who read which case is itself personal data: the API's user alone reads it.
    const entry = kept ?? { handle: open(file, 'a', 0o600), users: 0, broken: false };
    files.set(file, entry);
    entry.users += 1;
    try {
      const handle = await entry.handle;
      const bytes = Buffer.from(text);
      // One write on a regular file is whole unless the disk is full; a short write is finished, not lost.
      for (let at = 0; at < bytes.length;) at += (await handle.write(bytes, at)).bytesWritten;
      if (fsync) {
        await handle.datasync();
        // A file this write created is durable only once its directory entry is (checked on opening
        // it: a file kept open was there before).
        if (!kept && (await handle.stat()).size === bytes.length) await syncDirectory(shard);
      }
    } catch (err) {
      // Opened afresh next time: whatever went wrong stays with this descriptor.
      entry.broken = true;
      if (files.get(file) === entry) files.delete(file);
      throw err;
    } finally {
      entry.users -= 1;
      if (entry.broken && entry.users === 0) await closeQuietly(entry.handle);
      void closeUnused(); // not waited for: this entry is written
    }
  }

  /** Closes the descriptors beyond the OPEN_KEPT most recently written that no write is using. */
  async function closeUnused() {
    const excess = Math.max(0, files.size - OPEN_KEPT);
    const closing = [...files].filter(([, e]) => e.users === 0).slice(0, excess);
    for (const [file] of closing) files.delete(file);
    await Promise.all(closing.map(([, e]) => closeQuietly(e.handle)));
  }

  async function flush() {
    const batches = pending;
    pending = new Map();
    await Promise.all(
      [...batches].map(([caseId, batch]) =>
        append(fileOf(caseId), batch.lines.join('')).then(batch.resolve, batch.reject),
      ),
    );
  }

  return {
    record(caseIds, entry) {
      const { at, ...rest } = entry;
      const line = `${JSON.stringify({ at, ...rest })}\n`;
      const ids = [...new Set(caseIds)].filter(isCaseId);
      if (ids.length === 0) return Promise.resolve();
      if (pending.size === 0) setImmediate(() => void flush());
      return Promise.all(
        ids.map((caseId) => {
          let batch = pending.get(caseId);
          if (!batch) {
            let resolve!: () => void;
            let reject!: (err: unknown) => void;
            const done = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
            batch = { lines: [], done, resolve, reject };
            pending.set(caseId, batch);
          }
          batch.lines.push(line);
          return batch.done;
        }),
      ).then(() => undefined);
    },
    async close() {
      await flush();
      const open = [...files.values()];
      files.clear();
      await Promise.all(open.map((e) => closeQuietly(e.handle)));
    },
    async read(caseId) {
      if (!isCaseId(caseId)) return [];
      let text: string;
      try {
        text = await readFile(fileOf(caseId), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const entries = text.split('\n').flatMap((line) => {
        if (!line) return [];
        // A line cut short by a machine lost mid-write has the next write's line glued to its end:
        // that whole entry (each begins with its time) is kept, the torn part skipped.
        for (const from of [0, line.lastIndexOf(ENTRY_START)])
          try {
            return from >= 0 ? [JSON.parse(line.slice(from)) as AccessEntry] : [];
          } catch {
            continue;
          }
        return [];
      });
      // Newest first; processes append in their own order, so order by time (stable for equal times).
      return entries.reverse().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    },
  };
}

/** A descriptor closed, or one that never opened (or failed) let go: nothing more to do with it. */
const closeQuietly = (handle: Promise<FileHandle>) =>
  handle
    .then(
      (h) => h.close(),
      () => undefined,
    )
    .catch(() => undefined);

async function syncDirectory(path: string) {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
