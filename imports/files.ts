/**
 * Where an import's files live in IMPORT_DIR, a directory the API and the worker share: the API
 * stores the upload, the import activity validates it and writes the accepted rows beside it.
 * Both hold people's details, so both go when the import ends (`importFiles`): the report is the
 * lasting account, by row number.
 */
import { join } from 'node:path';

export const uploadPath = (importDir: string, importId: string) => join(importDir, `${importId}.csv`);
export const acceptedPath = (importDir: string, importId: string) => join(importDir, `${importId}.accepted.jsonl`);

/** Every file an import leaves in IMPORT_DIR, deleted when it ends. */
export const importFiles = (importDir: string, importId: string) => [
  uploadPath(importDir, importId),
  acceptedPath(importDir, importId),
];
