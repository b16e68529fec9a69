/**
 * The parts of the docs that are derived from the domain table, so they cannot drift from it:
 * the event vocabulary in docs/api.md and the lifecycle diagram in docs/lifecycle.md. Each lives
 * between `<!-- name:start -->` and `<!-- name:end -->`; `npm run docs` (scripts/docs.ts) writes
 * them, and test/docs.unit.test.ts fails while a doc and the table disagree.
 *
 * The table is read only through each row's `roles`, `from` and `notify`, and through
 * `checkEvent` and `applyEvent`: the rows may gain other properties without changing this.
 */
import {
  applyEvent,
  checkEvent,
  DEFAULT_POLICY,
  EVENT_ROWS,
  rolesFor,
  EVENT_TYPES,
  POSITIONS,
  positionOf,
  SOURCE_EVENTS,
  perSource,
  SOURCES,
  STATUSES,
  type CaseEvent,
  type CaseState,
  type EventContext,
  type EventType,
  type Position,
  type Stage,
  type System,
} from '../domain/index.js';
import { newCaseState, variants } from '../test/domain-fixtures.js';
import { homeOfficeSection, mappingOverviewSection } from './docs-integration.js';

/** The marked sections, by name, and the doc each lives in (relative to the repository root). */
export const SECTIONS = {
  events: { file: 'docs/api.md', generate: () => eventsSection() },
  lifecycle: { file: 'docs/lifecycle.md', generate: () => lifecycleSection() },
  'home-office-messages': { file: 'docs/integration.md', generate: () => homeOfficeSection() },
  'system-mapping': { file: 'docs/integration.md', generate: () => mappingOverviewSection() },
} as const;
export type SectionName = keyof typeof SECTIONS;

const marks = (name: string) => ({ start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` });

/** The text between a section's marks (without the newlines next to them), or null when the marks are missing. */
export function readSection(doc: string, name: string): string | null {
  const { start, end } = marks(name);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end, from);
  if (from < 0 || to < 0) return null;
  return doc
    .slice(from + start.length, to)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

/** The doc with a section's text replaced; throws when the marks are missing. */
export function writeSection(doc: string, name: string, body: string): string {
  const { start, end } = marks(name);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`no ${start} … ${end} in the doc`);
  return `${doc.slice(0, from + start.length)}\n${body}\n${doc.slice(to)}`;
}

const SYSTEM_NAMES: Record<string, string> = { homeOffice: 'Home Office', courts: 'HMCTS', notifier: 'notifier' };
const SOURCE_NAMES = perSource((_source, d) => d.name);
const code = (s: string) => `\`${s}\``;
/** `a`, `a and b`, `a, b and c`. */
const list = (items: readonly string[], last = 'and') =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
const systemsText = (systems: readonly System[]) =>
  systems.length === 0 ? 'nobody' : list(systems.map((s) => SYSTEM_NAMES[s] ?? s));

/** Positions as a reader takes them in: a whole stage as `stage:*`, nearly everywhere as "anywhere except". */
function positionsText(from: readonly Position[]): string {
  const set = new Set(from);
  if (POSITIONS.every((p) => set.has(p))) return 'anywhere';
  const missing = POSITIONS.filter((p) => !set.has(p));
  if (missing.length <= 3 && set.size > POSITIONS.length / 2) return `anywhere except ${missing.map(code).join(', ')}`;
  const parts: string[] = [];
  for (const stage of Object.keys(STATUSES) as Stage[]) {
    const all = STATUSES[stage].map((status) => `${stage}:${status}` as Position);
    const held = all.filter((p) => set.has(p));
    if (held.length === all.length && all.length > 1) parts.push(code(`${stage}:*`));
    else parts.push(...held.map(code));
  }
  return parts.join(', ');
}

/** A fixed moment for checking and applying: the positions an event leads to do not depend on it. */
const CTX: EventContext = { at: '2026-06-01T12:00:00.000Z', policy: DEFAULT_POLICY };

interface Step {
  from: CaseState;
  event: CaseEvent;
  to: CaseState;
}

/**
 * Every case state the table can reach from a newly opened case, one per kind that can matter to
 * where an event leads, whether it is allowed, or who hears of it (position, last determination,
 * whether it has been appealed, whether the person is absconded, which clocks run), and every step between them that `checkEvent`
 * accepts, for each payload choice the domain tests use (test/domain-fixtures.ts).
 */
function explore(): { states: CaseState[]; steps: Step[] } {
  const kind = (s: CaseState) =>
    JSON.stringify([
      positionOf(s),
      s.determination ?? null,
      s.counts.appeals > 0,
      s.flags.absconded,
      s.clocks
        .filter((c) => c.state === 'running')
        .map((c) => c.name)
        .sort(),
    ]);
  const start = newCaseState();
  const seen = new Map<string, CaseState>([[kind(start), start]]);
  const queue = [start];
  const steps: Step[] = [];
  for (let s = queue.shift(); s; s = queue.shift()) {
    for (const type of EVENT_TYPES) {
      const role = rolesFor(type)[0];
      if (!role) continue;
      for (const event of variants(type)) {
        if (checkEvent(s, event, role, CTX) !== null) continue;
        const to = applyEvent(s, event, CTX);
        steps.push({ from: s, event, to });
        if (!seen.has(kind(to))) {
          seen.set(kind(to), to);
          queue.push(to);
        }
      }
    }
  }
  return { states: [...seen.values()], steps };
}

let explored: ReturnType<typeof explore> | undefined;
const exploration = () => (explored ??= explore());

/** Who hears of an event: the table's list, or every answer its function gives for the cases it may apply to. */
function notifyText(type: EventType): string {
  const rule = EVENT_ROWS[type];
  const notify = rule.notify as readonly System[] | ((before: CaseState) => readonly System[]);
  if (typeof notify !== 'function') return systemsText(notify);
  const answers = new Map<string, string>();
  for (const s of exploration().states) {
    if (!(rule.from as readonly Position[]).includes(positionOf(s))) continue;
    const systems = notify(s);
    answers.set([...systems].sort().join(), systemsText(systems));
  }
  const texts = [...answers.entries()]
    .sort(([a], [b]) => a.split(',').length - b.split(',').length || a.localeCompare(b))
    .map(([, t]) => t);
  return texts.length === 0 ? 'depends on the case' : `depends on the case: ${texts.join(', or ')}`;
}

const reportedBy = (type: EventType) =>
  SOURCES.filter((s) => SOURCE_EVENTS[s].includes(type))
    .map((s) => SOURCE_NAMES[s])
    .join(', ') || '–';

/** The event vocabulary as a table: type, who may send it, from where, who hears of it, who reports it. */
export function eventsSection(): string {
  const rows = EVENT_TYPES.map((type) => {
    const rule = EVENT_ROWS[type];
    return `| ${code(type)} | ${rolesFor(type).map(code).join(', ')} | ${positionsText(rule.from as readonly Position[])} | ${notifyText(type)} | ${reportedBy(type)} |`;
  });
  return ['| event | sent by | from | who hears of it | reported by webhook |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

const stateId = (p: Position) => p.replace(/[^A-Za-z0-9]/g, '_');

/**
 * The lifecycle as a Mermaid state diagram: one edge per pair of positions some event moves a
 * case between, labelled with those events; then the events that only ever keep a case where it
 * is, and any that no case built by events alone allows (they need more, e.g. a rejected delivery).
 */
export function lifecycleSection(): string {
  const { steps } = exploration();
  const edges = new Map<string, Set<EventType>>();
  const stays = new Set<EventType>();
  const moved = new Set<EventType>();
  for (const { from, event, to } of steps) {
    const a = positionOf(from);
    const b = positionOf(to);
    moved.add(event.type);
    if (a === b) {
      stays.add(event.type);
      continue;
    }
    const key = `${a} ${b}`;
    edges.set(key, (edges.get(key) ?? new Set()).add(event.type));
  }
  const index = (p: string) => POSITIONS.indexOf(p as Position);
  const ordered = [...edges.entries()]
    .map(([key, types]) => {
      const [a, b] = key.split(' ') as [Position, Position];
      return { a, b, types: EVENT_TYPES.filter((t) => types.has(t)) };
    })
    .sort((x, y) => index(x.a) - index(y.a) || index(x.b) - index(y.b));
  const used = POSITIONS.filter((p) => ordered.some((e) => e.a === p || e.b === p));
  const start = positionOf(newCaseState());
  const only = (set: Set<EventType>, not?: Set<EventType>) => EVENT_TYPES.filter((t) => set.has(t) && !not?.has(t));
  const onlyStay = only(stays, new Set(ordered.flatMap((e) => e.types)));
  const never = EVENT_TYPES.filter((t) => !moved.has(t));
  return [
    '```mermaid',
    'stateDiagram-v2',
    ...used.map((p) => `  state "${p}" as ${stateId(p)}`),
    `  [*] --> ${stateId(start)}`,
    ...ordered.map((e) => `  ${stateId(e.a)} --> ${stateId(e.b)}: ${e.types.join(', ')}`),
    '```',
    '',
    `Events that keep a case where it is (not drawn): ${list(onlyStay.map(code)) || 'none'}.`,
    ...(never.length > 0
      ? [
          '',
          `Not drawn, as no case built from a new one by events alone allows them (their rows in [the events](api.md#events) say where they may be sent): ${never.map(code).join(', ')}.`,
        ]
      : []),
  ].join('\n');
}
