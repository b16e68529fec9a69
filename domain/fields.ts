/**
 * The fields an event may carry, as data: one small vocabulary that the transition table declares
 * each event's payload in. The workflow's validator checks a payload with `checkFields`; the API
 * builds its zod schemas (and so its OpenAPI document), the pages build their forms, and the type
 * of every event is derived, all from the same declaration. Pure.
 */
import { londonDate } from './days.js';
import { isHmctsRef } from './identifiers.js';

export type FieldKind =
  /** A calendar date, YYYY-MM-DD; `past`: not after the day of the change (events record what happened). */
  | { kind: 'date'; past?: true }
  /** Free text, trimmed, not empty, at most `max` characters. */
  | { kind: 'text'; max: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  /** The tribunal's appeal reference, e.g. PA/50001/2026. */
  | { kind: 'hmctsRef' }
  | { kind: 'int'; min: number }
  /** A structured value only the workflow itself sends (never a form or a request body). */
  | { kind: 'value' };

/** `of` is never set: it carries the TypeScript type of a `value` field. */
export type FieldSpec = FieldKind & { optional?: true; of?: unknown };
export type Fields = Readonly<Record<string, FieldSpec>>;

export const field = {
  date: () => ({ kind: 'date' }) as const,
  pastDate: () => ({ kind: 'date', past: true }) as const,
  text: (max: number) => ({ kind: 'text', max }) as const,
  boolean: () => ({ kind: 'boolean' }) as const,
  oneOf: <const V extends readonly string[]>(values: V) => ({ kind: 'enum', values }) as const,
  hmctsRef: () => ({ kind: 'hmctsRef' }) as const,
  int: (min = 0) => ({ kind: 'int', min }) as const,
  value: <T>() => ({ kind: 'value' }) as { kind: 'value'; of?: T },
};

export const optional = <F extends FieldSpec>(f: F) => ({ ...f, optional: true }) as F & { optional: true };

type ValueOf<F> = F extends { kind: 'date' | 'text' | 'hmctsRef' }
  ? string
  : F extends { kind: 'boolean' }
    ? boolean
    : F extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { kind: 'int' }
        ? number
        : F extends { of?: infer T }
          ? T
          : never;

type Flatten<T> = { [K in keyof T]: T[K] };
/** The payload type a set of fields declares: optional fields optional, each typed by its kind. */
export type ValuesOf<F extends Fields> = Flatten<
  { -readonly [K in keyof F as F[K] extends { optional: true } ? never : K]: ValueOf<F[K]> } & {
    -readonly [K in keyof F as F[K] extends { optional: true } ? K : never]?: ValueOf<F[K]>;
  }
>;

/** The message a field's check gives, shared by the API's schemas so both edges say the same. */
export const FIELD_MESSAGES = {
  required: 'is required',
  date: 'must be a real date, YYYY-MM-DD',
  future: 'cannot be in the future',
  empty: 'must not be empty',
  boolean: 'must be true or false',
  hmctsRef: 'must look like PA/50001/2026',
  int: 'must be a whole number',
  tooLong: (max: number) => `must be at most ${max} characters`,
  oneOf: (values: readonly string[]) => `must be one of ${values.join(', ')}`,
};

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

export interface FieldError {
  field: string;
  message: string;
}

/** Why one value does not fit its field, or null. `at` is the time of the change (workflow time). */
function fieldProblem(spec: FieldSpec, value: unknown, at: string): string | null {
  if (value === undefined) return spec.optional ? null : FIELD_MESSAGES.required;
  switch (spec.kind) {
    case 'date':
      if (!isCalendarDate(value)) return FIELD_MESSAGES.date;
      return spec.past && value > londonDate(at) ? FIELD_MESSAGES.future : null;
    case 'text':
      if (typeof value !== 'string' || value.trim().length === 0) return FIELD_MESSAGES.empty;
      return value.trim().length > spec.max ? FIELD_MESSAGES.tooLong(spec.max) : null;
    case 'boolean':
      return typeof value === 'boolean' ? null : FIELD_MESSAGES.boolean;
    case 'enum':
      return spec.values.includes(value as string) ? null : FIELD_MESSAGES.oneOf(spec.values);
    case 'hmctsRef':
      return typeof value === 'string' && isHmctsRef(value) ? null : FIELD_MESSAGES.hmctsRef;
    case 'int':
      return Number.isInteger(value) && (value as number) >= spec.min ? null : FIELD_MESSAGES.int;
    case 'value':
      return null;
  }
}

/** Every field of a payload that does not fit its declaration, each named. */
export function checkFields(fields: Fields, payload: Record<string, unknown>, at: string): FieldError[] {
  return Object.entries(fields).flatMap(([name, spec]) => {
    const problem = fieldProblem(spec, payload[name], at);
    return problem ? [{ field: name, message: problem }] : [];
  });
}
