// Lint rules that keep the workflow sandbox deterministic, promises awaited, and the layers apart.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, sep } from 'node:path';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/*
 * The layers. Each folder may import its own files, the packages it needs and, of the rest of the
 * repository, only what `may` names: a folder, or one file of a folder ('workflows/messages.js').
 * `typesFrom` folders may be imported for types only. Everything else at the top of the repository
 * is refused, read from the disk so that a new folder or top-level file is refused until a layer
 * names it. Composition roots (scripts/, worker.ts, app.ts, server.ts) and test/, bench/ have no
 * layer rule. Imports are relative, so a file `depth` folders down reaches the top with exactly
 * depth + 1 '../'; one block per depth keeps e.g. api/routes/x.ts → '../app.js' (api/app.ts)
 * apart from api/x.ts → '../app.js' (the composition root).
 */
const NOT_CODE = new Set(['node_modules', 'data', 'docs']);
const ROOT = import.meta.dirname;
const top = readdirSync(ROOT, { withFileTypes: true }).filter((e) => !e.name.startsWith('.') && !NOT_CODE.has(e.name));
const FOLDERS = top.filter((e) => e.isDirectory()).map((e) => e.name);
const TOP_FILES = top
  .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts'))
  .map((e) => e.name.replace(/\.ts$/, '.js'));
const esc = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SHARED = ['history', 'schedules', 'imports', 'ids', 'reporting', 'integrations'];
const DETERMINISTIC = [
  ...nodeBuiltins.map((name) => ({ name, message: 'No Node APIs in deterministic code.' })),
  { name: 'zod', message: 'Validate at the HTTP edge; use plain domain functions here.' },
  { name: 'express', message: 'No HTTP in deterministic code.' },
];

function layer(folder, { may = [], typesFrom = [], paths = [], packages = [] }) {
  const whole = may.filter((m) => !m.includes('/'));
  const onlyFiles = {}; // folder → the files of it that may be imported
  for (const m of may.filter((m) => m.includes('/'))) (onlyFiles[m.split('/')[0]] ??= []).push(m);
  const refused = FOLDERS.filter(
    (f) => f !== folder && !whole.includes(f) && !typesFrom.includes(f) && !(f in onlyFiles),
  );
  const message = `${folder}/ may import ${[...may.map((m) => `${m.replace(/\.js$/, '.ts')}`), ...typesFrom.map((t) => `types from ${t}/`)].join(', ') || 'nothing outside it'} (docs/architecture.md, The folders).`;
  const depths = readdirSync(join(ROOT, folder), { recursive: true })
    .filter((f) => String(f).endsWith('.ts'))
    .map((f) => String(f).split(sep).length - 1);
  return Array.from({ length: Math.max(0, ...depths) + 1 }, (_, depth) => {
    const up = `^(?:\\.\\./){${depth + 1}}`;
    const patterns = [
      { regex: `${up}(?:(?:${refused.map(esc).join('|')})(?:/|$)|(?:${TOP_FILES.map(esc).join('|')})$)`, message },
      ...Object.entries(onlyFiles).map(([dir, files]) => ({
        regex: `${up}${esc(dir)}/(?!(?:${files.map((f) => esc(f.slice(dir.length + 1))).join('|')})$)`,
        message,
      })),
      ...(typesFrom.length > 0
        ? [{ regex: `${up}(?:${typesFrom.map(esc).join('|')})/`, allowTypeImports: true, message }]
        : []),
      ...(packages.length > 0 ? [{ group: packages, message: `${folder}/ does not use ${packages.join(', ')}.` }] : []),
    ];
    return {
      files: [`${folder}/${'*/'.repeat(depth)}*.ts`],
      rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
    };
  });
}

const layers = [
  ...layer('domain', { paths: DETERMINISTIC }),
  ...layer('workflows', {
    may: ['domain'],
    typesFrom: ['activities', 'imports'],
    paths: DETERMINISTIC,
    packages: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
  }),
  ...layer('activities', { may: ['domain', 'workflows/messages.js', ...SHARED] }),
  ...layer('api', {
    may: ['domain', 'workflows/messages.js', 'config', ...SHARED],
    packages: ['@temporalio/worker', '@temporalio/activity'],
  }),
  ...SHARED.flatMap((folder) => layer(folder, { may: ['domain', 'workflows/messages.js'] })),
  ...layer('web', { may: ['domain'], packages: ['@temporalio/*'] }),
  ...layer('systems', { may: ['domain/identifiers.js', 'domain/systems.js', 'integrations'] }),
  ...layer('config', { may: ['domain'] }),
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Tests read JSON answers whose shape each assertion states; the pages hand the API's JSON
    // (its shapes are the API's zod schemas) straight to templates.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'web/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // domain/ and workflows/ run inside Temporal's deterministic sandbox (or must be able to).
    files: ['domain/**/*.ts', 'workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'No I/O in deterministic code.' },
        { name: 'process', message: 'No process in deterministic code.' },
      ],
    },
  },
  // The layers: what each folder may import (docs/architecture.md, "The folders", says the same).
  ...layers,
  {
    // A bench may reuse a test helper, never the reverse: what tests and benches share lives in test/.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bench', '**/bench/**'],
              message: 'test/ must not import bench/: move what both need to test/ (a bench may import it from there).',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain code takes time as an argument; in workflows/ Date is the deterministic workflow clock.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Take the time as an argument.' },
      ],
    },
  },
);
