/**
 * The README stays a five-minute read, every link in it and in docs/ leads somewhere inside the
 * repository, and the docs' generated sections match the domain table they are made from.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSection, SECTIONS, type SectionName } from '../scripts/docs-events.js';

const root = resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const docs = (readdirSync(join(root, 'docs'), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.md'))
  .map((f) => join('docs', f))
  .sort();
const markdown = ['README.md', ...docs];

/** The text a reader sees as prose: fenced code blocks and inline code removed. */
const prose = (text: string) => text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');

/** Every link target: inline links and images, reference definitions, and HTML href/src. */
function linkTargets(text: string): string[] {
  const t = prose(text);
  return [
    ...[...t.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+["'(][^)]*)?\)/g)].map((m) => m[1]!),
    ...[...t.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm)].map((m) => m[1]!),
    ...[...t.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]!),
  ];
}

/** GitHub's anchors for a file's headings (lower case, punctuation dropped, spaces to hyphens, repeats numbered). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutFences = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Why a relative link from `file` is broken, or null when it leads to something inside the repository. */
function brokenLink(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto: and the like: outside, and allowed
  const [pathPart = '', anchor] = target.split('#', 2);
  const path = decodeURI(pathPart.split('?')[0]!);
  if (path.startsWith('/')) return 'absolute paths leave the repository';
  const resolved = path === '' ? join(root, file) : resolve(root, dirname(file), path);
  const inside = relative(root, resolved);
  if (inside.startsWith('..') || isAbsolute(inside)) return 'points outside the repository';
  if (!existsSync(resolved)) return 'no such file';
  if (anchor && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor))
    return `no heading #${anchor} there`;
  return null;
}

describe('docs', () => {
  it('keeps the README to 150 lines', () => {
    const lines = read('README.md').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(150);
  });

  it('has the docs the README points to', () => {
    expect(docs.length).toBeGreaterThan(0);
    const readmeTargets = new Set(linkTargets(read('README.md')));
    for (const doc of docs) expect(readmeTargets, `README links ${doc}`).toContain(doc);
  });

  it.each(markdown)('%s: every relative link leads to a file inside the repository', (file) => {
    const broken = linkTargets(read(file))
      .map((target) => ({ target, why: brokenLink(file, target) }))
      .filter((l) => l.why !== null);
    expect(broken).toEqual([]);
  });

  it.each(markdown)('%s: mentions nothing in ../shared', (file) => {
    expect(read(file)).not.toContain('../shared');
  });

  it.each(Object.keys(SECTIONS) as SectionName[])(
    'the %s section is what `npm run docs` makes from the domain table',
    (name) => {
      const { file, generate } = SECTIONS[name];
      const section = readSection(read(file), name);
      expect(section, `${file} has <!-- ${name}:start --> and <!-- ${name}:end -->`).not.toBeNull();
      expect(section, `${file} is out of date with domain/events.ts: run npm run docs`).toBe(generate());
    },
  );

  it('finds links, and the ones that leave', () => {
    const sample =
      '[a](../x.md) ![b](overview.png "t") [c](https://temporal.io) `[d](../../no)`\n[e]: ./y.md\n<img src="z.png">\n```\n[f](../../no)\n```\n';
    expect(linkTargets(sample)).toEqual(['../x.md', 'overview.png', 'https://temporal.io', './y.md', 'z.png']);
    expect(brokenLink('docs/api.md', '../../shared/design.md')).toBe('points outside the repository');
    expect(brokenLink('README.md', '../shared/design.md')).toBe('points outside the repository');
    expect(brokenLink('docs/api.md', '../domain/events.ts')).toBeNull();
    expect(brokenLink('docs/api.md', 'nothing-here.md')).toBe('no such file');
    expect(brokenLink('docs/api.md', '#no-such-heading')).toBe('no heading #no-such-heading there');
    expect(anchors('# What `npm start` prints\n## A, b\n## A, b\n')).toEqual(
      new Set(['what-npm-start-prints', 'a-b', 'a-b-1']),
    );
  });
});
