/**
 * The form for each event, derived from the event's fields in the transition table (as the API's
 * schema of it is), so a page never offers a field the API would not take or misses one it needs.
 */
import { EVENT_ROWS, EVENT_TYPES, type EventType, type FieldSpec } from '../domain/index.js';

export interface FormField {
  name: string;
  label: string;
  kind: 'date' | 'choice' | 'yes-no' | 'text';
  options?: string[];
  optional: boolean;
  /** Shown when the field is fixed (one possible value): sent as is, not asked. */
  fixed?: string;
}

/** `tribunal.listed` → "Tribunal listed", `homeOfficeRef` → "Home office ref": labels in sentence case, as GOV.UK writes them. */
export const humanise = (s: string) =>
  s
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[.:-]/g, ' ')
    .toLowerCase()
    .replace(/\b(hmcts|uan|gwf|id|pnc)\b/g, (w) => w.toUpperCase())
    .replace(/^./, (c) => c.toUpperCase());

function fieldOf(name: string, spec: FieldSpec): FormField {
  const label = humanise(name);
  const optional = spec.optional === true;
  switch (spec.kind) {
    case 'enum':
      // One possible value: sent as is, not asked.
      return spec.values.length === 1
        ? { name, label, kind: 'text', optional, fixed: spec.values[0]! }
        : { name, label, kind: 'choice', options: [...spec.values], optional };
    case 'boolean':
      return { name, label, kind: 'yes-no', optional };
    case 'date':
      return { name, label, kind: 'date', optional };
    default:
      return { name, label, kind: 'text', optional };
  }
}

/** Each event people send, its form: from the event's fields in the table, as the API's schema is. */
const FORMS = new Map<string, FormField[]>(
  EVENT_TYPES.map((type) => [type, Object.entries(EVENT_ROWS[type].fields).map(([name, spec]) => fieldOf(name, spec))]),
);

export const formFor = (type: EventType): FormField[] => FORMS.get(type) ?? [];

/** Form fields (strings) to the event body the API takes; a date comes as day, month and year. */
export function eventFromForm(type: EventType, form: Record<string, string | undefined>): Record<string, unknown> {
  const event: Record<string, unknown> = { type };
  for (const f of formFor(type)) {
    if (f.fixed !== undefined) event[f.name] = f.fixed;
    else if (f.kind === 'date') {
      const [d, m, y] = ['day', 'month', 'year'].map((p) => (form[`${f.name}-${p}`] ?? '').trim());
      if (d || m || y) event[f.name] = `${y!.padStart(4, '0')}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    } else if (f.kind === 'yes-no') {
      if (form[f.name] === 'yes') event[f.name] = true;
      else if (form[f.name] === 'no') event[f.name] = false;
    } else if ((form[f.name] ?? '').trim() !== '') event[f.name] = form[f.name]!.trim();
  }
  return event;
}
