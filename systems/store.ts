/**
 * An append-only JSON-lines file: each record is written and fsynced before the request that made
 * it is answered, so a reference system that is killed loses nothing it acknowledged.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class JsonlStore<T> {
  private readonly fd: number;
  readonly records: T[];

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.records = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.trim().length > 0)
          .flatMap((line) => {
            try {
              return [JSON.parse(line) as T];
            } catch {
              return []; // a torn last line from a crash mid-write was never acknowledged
            }
          })
      : [];
    this.fd = openSync(file, 'a');
  }

  append(record: T): void {
    appendFileSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
    this.records.push(record);
  }

  close(): void {
    closeSync(this.fd);
  }
}
