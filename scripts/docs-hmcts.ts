/**
 * The tables of docs/integration-hmcts.md, made from the two mapping tables (integrations/hmcts-events.ts
 * outbound, integrations/hmcts-inbound.ts inbound) so the doc cannot drift from them. They live between
 * `<!-- hmcts-outbound:start -->` / `<!-- hmcts-inbound:start -->` and their ends;
 * test/hmcts-format.unit.test.ts fails while they disagree and rewrites them with UPDATE_SAMPLES=1.
 */
import { HMCTS_COUNTERPARTS } from '../integrations/hmcts.js';
import { OUTBOUND_TABLE } from '../integrations/hmcts-events.js';
import { INBOUND_TABLE, INBOUND_EVENT_IDS } from '../integrations/hmcts-inbound.js';

export const HMCTS_DOC = 'docs/integration-hmcts.md';

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => `\`${s}\``;
const sourceOf = (type: string) => (OUTBOUND_TABLE as Record<string, { source: string }>)[type]?.source ?? '';

/** One line per counterpart: our event, when, the tribunal's event id, its state after, the fields, the source. */
export function hmctsOutboundSection(): string {
  const lines = HMCTS_COUNTERPARTS.map(({ type, counterpart: c }, i, all) => {
    const first = i === 0 || all[i - 1]!.type !== type;
    const fields = (c.carries ?? []).map((f) => (c.optional?.includes(f) ? `${code(f)}?` : code(f))).join(', ');
    const source = first ? cell(sourceOf(type)) : '〃';
    return `| ${first ? code(type) : ''} | ${cell(c.when?.text ?? (first ? '' : 'otherwise'))} | ${code(c.eventId)} | ${
      c.state === 'as-positioned' ? 'where the case stands (see below)' : code(c.state)
    } | ${fields || '—'} | ${source} |`;
  });
  return [
    '| our event | when | tribunal event id | state after | case_data carried (`?`: when known) | public source |',
    '| --- | --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}

/** One line per tribunal event id we hear: the event of ours it becomes. */
export function hmctsInboundSection(): string {
  return [
    '| tribunal event id | our event |',
    '| --- | --- |',
    ...INBOUND_EVENT_IDS.map((id) => `| ${code(id)} | ${cell(INBOUND_TABLE[id].becomes)} |`),
  ].join('\n');
}

export const HMCTS_SECTIONS = { 'hmcts-outbound': hmctsOutboundSection, 'hmcts-inbound': hmctsInboundSection } as const;
