/**
 * The fields an event may carry, as data: one small vocabulary that the transition table declares
 * each event's payload in. The workflow's validator checks a payload with `checkFields`; the API
 * builds its zod schemas (and so its OpenAPI document), the pages build their forms, and the type
 * of every event is derived, all from the same declaration. Pure.
 */
import { londonDate } from './days.js';
import { IDENTIFIER_FORMATS, isHmctsRef, looksLikePnc, type IdentifierFormat } from './identifiers.js';

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
  /** A reference in one of the formats of domain/identifiers.ts, checked as that format (e.g. a PNC ID's check letter). */
  | { kind: 'identifier'; format: IdentifierFormat }
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
  identifier: <const I extends IdentifierFormat>(format: I) => ({ kind: 'identifier', format }) as const,
  value: <T>() => ({ kind: 'value' }) as { kind: 'value'; of?: T },
};

export const optional = <F extends FieldSpec>(f: F) => ({ ...f, optional: true }) as F & { optional: true };

type ValueOf<F> = F extends { kind: 'date' | 'text' | 'hmctsRef' | 'identifier' }
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
  identifier: {
    caseId: 'must be a case id like AC-0K3P9T2M4Q7R',
    pnc: 'must be a PNC ID like 12/345678U: 2-digit year, slash, serial of up to 7 digits, check letter',
    prisonNumber: 'must be a prison number like A1234BC: a letter, 4 digits, 2 letters',
    localAuthorityRef: 'must be up to 40 letters, digits, hyphens or full stops',
  } satisfies Record<IdentifierFormat, string>,
  pncCheckLetter: 'has the wrong check letter for its year and serial',
};

/** Why a value is not a reference of its format, or null. */
export function identifierProblem(format: IdentifierFormat, value: unknown): string | null {
  if (typeof value === 'string' && IDENTIFIER_FORMATS[format](value)) return null;
  if (format === 'pnc' && typeof value === 'string' && looksLikePnc(value)) return FIELD_MESSAGES.pncCheckLetter;
  return FIELD_MESSAGES.identifier[format];
}

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
    case 'identifier':
      return identifierProblem(spec.format, value);
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
