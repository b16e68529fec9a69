/**
 * The form for each event, derived from the API's own schema of it (api/schemas.ts), so a page
 * never offers a field the API would not take or misses one it needs.
 */
import { z } from 'zod';
import type { EventType } from '../domain/index.js';
import { caseEventBody } from '../api/schemas.js';

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
    .replace(/\b(hmcts|uan|gwf|id)\b/g, (w) => w.toUpperCase())
    .replace(/^./, (c) => c.toUpperCase());

function fieldOf(name: string, schema: z.ZodType): FormField {
  let s = schema;
  let optional = false;
  if (s instanceof z.ZodOptional) {
    optional = true;
    s = s.unwrap() as z.ZodType;
  }
  const label = humanise(name);
  if (s instanceof z.ZodEnum) return { name, label, kind: 'choice', options: s.options.map(String), optional };
  if (s instanceof z.ZodLiteral) return { name, label, kind: 'text', optional, fixed: String(s.value) };
  if (s instanceof z.ZodBoolean) return { name, label, kind: 'yes-no', optional };
  const isDate = /(On|Date)$/.test(name);
  return { name, label, kind: isDate ? 'date' : 'text', optional };
}

const FORMS = new Map<string, FormField[]>(
  caseEventBody.options.map((o) => {
    const { type, ...rest } = o.shape;
    return [String((type as z.ZodLiteral).value), Object.entries(rest).map(([name, s]) => fieldOf(name, s as z.ZodType))];
  }),
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
