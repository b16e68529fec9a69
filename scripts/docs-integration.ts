/**
 * docs/integration.md's mapping table, made from the one mapping table (integrations/home-office/
 * mapping.ts) and what encoding each event in each of its variants actually carries, so the doc
 * cannot drift from the code. `npm run docs` writes it; test/docs.unit.test.ts checks it.
 */
import { EVENT_TYPES, type EventType } from '../domain/index.js';
import { HMCTS_COUNTERPARTS, HMCTS_EVENT_TYPES } from '../integrations/hmcts.js';
import { encodeInstruct, HOME_OFFICE_MESSAGES, homeOfficeMessageType } from '../integrations/home-office.js';
import { variants } from '../test/domain-fixtures.js';
import { HOME_OFFICE_EVENTS, sampleMessage } from '../test/home-office-samples.js';

const ENVELOPE = new Set(['consumerReference', 'hoReference', 'messageHeader', 'messageType']);
const code = (s: string) => `\`${s}\``;

/** Dotted paths of a body's fields beyond the envelope, objects opened one level. */
function fieldsOf(body: Record<string, unknown>): string[] {
  return Object.entries(body).flatMap(([k, v]) => {
    if (ENVELOPE.has(k)) return [];
    if (k === 'trackerEvent') return ['trackerEvent (our event as it is)'];
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((f) => `${k}.${f}`) : [k];
  });
}

export function homeOfficeSection(): string {
  const rows = HOME_OFFICE_EVENTS.map((type: EventType) => {
    const fields = new Set(
      variants(type).flatMap((e) => fieldsOf(encodeInstruct(sampleMessage(e)) as Record<string, unknown>)),
    );
    const row = HOME_OFFICE_MESSAGES[type]!;
    const source = row.source ?? (row.messageType === 'ours' ? 'no counterpart' : '');
    return `| ${code(type)} | ${code(homeOfficeMessageType(type))} | ${[...fields].map(code).join(', ') || '–'} | ${source} |`;
  });
  return [
    '| our event | Home Office message type | fields it carries (beyond the envelope) | where the public source shows it |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * The one overview the issue asks of the mapping: each of our events that a system hears, its Home
 * Office message type and its tribunal case event(s) (a row may send one of several, by condition),
 * made from both tables so it cannot disagree with either.
 */
export function mappingOverviewSection(): string {
  const types = EVENT_TYPES.filter((t) => HOME_OFFICE_EVENTS.includes(t) || HMCTS_EVENT_TYPES.includes(t));
  const rows = types.map((type) => {
    const ho = HOME_OFFICE_EVENTS.includes(type) ? code(homeOfficeMessageType(type)) : '–';
    const ids = [...new Set(HMCTS_COUNTERPARTS.filter((r) => r.type === type).map((r) => r.counterpart.eventId))];
    return `| ${code(type)} | ${ho} | ${ids.map(code).join(' or ') || '–'} |`;
  });
  return ['| our event | Home Office message type | tribunal case event |', '|---|---|---|', ...rows].join('\n');
}
