/**
 * Where an import's files live in IMPORT_DIR, a directory the API and the worker share: the API
 * stores the upload, the import activity validates it and writes the accepted rows beside it.
 */
import { join } from 'node:path';

export const uploadPath = (importDir: string, importId: string) => join(importDir, `${importId}.csv`);
export const acceptedPath = (importDir: string, importId: string) => join(importDir, `${importId}.accepted.jsonl`);
