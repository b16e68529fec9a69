/**
 * `npm run docs`: rewrites the docs' generated sections from the domain table (see
 * scripts/docs-events.ts), and says which docs changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECTIONS, writeSection, type SectionName } from './docs-events.js';

const root = join(import.meta.dirname, '..');

for (const name of Object.keys(SECTIONS) as SectionName[]) {
  const { file, generate } = SECTIONS[name];
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = writeSection(before, name, generate());
  if (after === before) {
    console.log(`${file}: ${name} unchanged`);
  } else {
    writeFileSync(path, after);
    console.log(`${file}: ${name} regenerated`);
  }
}
