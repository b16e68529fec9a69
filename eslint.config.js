// Lint rules that keep the workflow sandbox deterministic and promises awaited.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

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
    // domain/ and workflows/ run inside Temporal's deterministic sandbox (or must be able to):
    // no Node APIs, no I/O, no zod, and activities only as types.
    files: ['domain/**/*.ts', 'workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'No Node APIs in deterministic code.' })),
            { name: 'zod', message: 'Validate at the HTTP edge; use plain domain functions here.' },
            { name: 'express', message: 'No HTTP in deterministic code.' },
          ],
          patterns: [
            { group: ['../activities/*', '../api/*', '../systems/*'], allowTypeImports: true, message: 'Type-only imports from outside the sandbox.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'No I/O in deterministic code.' }, { name: 'process', message: 'No process in deterministic code.' }],
    },
  },
  {
    // A bench may reuse a test helper, never the reverse: what tests and benches share lives in test/.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/bench', '**/bench/**'], message: 'test/ must not import bench/: move what both need to test/ (a bench may import it from there).' }] }],
    },
  },
  {
    // Domain code takes time as an argument; in workflows/ Date is the deterministic workflow clock.
    files: ['domain/**/*.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Take the time as an argument.' }] },
  },
);
