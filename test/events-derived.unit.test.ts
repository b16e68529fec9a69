/**
 * One definition per event: the table's row. The API's body schema, its OpenAPI document, the
 * pages' forms, what each system may report, and the docs' list are all derived from the rows;
 * these checks fail when any of them names an event the table lacks, or lacks one it has.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../api/openapi.js';
import { caseRoutes } from '../api/routes/cases.js';
import { API_EVENT_TYPES, caseEventBody } from '../api/schemas.js';
import {
  DEFAULT_POLICY,
  EVENT_ROWS,
  EVENT_TYPES,
  rolesFor,
  SOURCE_EVENTS,
  SOURCES,
  type EventType,
} from '../domain/index.js';
import { eventsSection } from '../scripts/docs-events.js';
import { formFor } from '../web/forms.js';

const sorted = (xs: Iterable<string>) => [...xs].sort();
const sentByPeopleOrSystems = EVENT_TYPES.filter((t) => rolesFor(t).some((r) => r !== 'system'));

describe('every event is declared once, in its row', () => {
  it('the API takes a body for exactly the events someone other than the workflow sends', () => {
    expect(sorted(API_EVENT_TYPES)).toEqual(sorted(sentByPeopleOrSystems));
    for (const type of EVENT_TYPES)
      expect(
        caseEventBody.safeParse({ type }).success ||
          caseEventBody.safeParse({ type }).error!.issues.every((i) => i.path[0] !== 'type'),
        type,
      ).toBe(sentByPeopleOrSystems.includes(type));
  });

  it("the body of each event has exactly its row's fields, required as the row says", () => {
    for (const type of API_EVENT_TYPES) {
      const fields = EVENT_ROWS[type].fields;
      const empty = caseEventBody.safeParse({ type });
      const missing = empty.success ? [] : empty.error.issues.map((i) => String(i.path[0]));
      expect(sorted(missing), type).toEqual(
        sorted(
          Object.entries(fields)
            .filter(([, f]) => !f.optional)
            .map(([name]) => name),
        ),
      );
      const stray = caseEventBody.safeParse({ type, notAField: true });
      expect(stray.success, `${type} takes an undeclared field`).toBe(false);
    }
  });

  it('the OpenAPI document lists the same events', () => {
    const doc = openApiDocument(
      caseRoutes({
        client: {} as never,
        taskQueue: 'q',
        updateTimeoutMs: 1,
        pageTokens: {} as never,
        nameFeatures: true,
        policy: DEFAULT_POLICY,
      }),
    ) as any;
    const body = doc.components.schemas.CaseEvent;
    const listed = (body.oneOf ?? body.anyOf).map((o: any) => o.properties.type.const ?? o.properties.type.enum?.[0]);
    expect(sorted(listed)).toEqual(sorted(sentByPeopleOrSystems));
  });

  it('the pages offer a form field for each declared field', () => {
    for (const type of API_EVENT_TYPES)
      expect(sorted(formFor(type).map((f) => f.name)), type).toEqual(sorted(Object.keys(EVENT_ROWS[type].fields)));
  });

  it('each system reports exactly the events its rows say, and sends them as integration', () => {
    for (const source of SOURCES) {
      const declared = EVENT_TYPES.filter((t) => EVENT_ROWS[t].reportedBy?.includes(source));
      expect(sorted(SOURCE_EVENTS[source]), source).toEqual(sorted(declared));
      for (const t of declared) expect(rolesFor(t)).toContain('integration');
    }
    const reported = new Set<EventType>(SOURCES.flatMap((s) => SOURCE_EVENTS[s]));
    for (const t of EVENT_TYPES) expect(rolesFor(t).includes('integration'), t).toBe(reported.has(t));
  });

  it('the docs list every event, and no other', () => {
    const api = readFileSync('docs/api.md', 'utf8');
    expect(api).toContain(eventsSection());
    const listed = [...eventsSection().matchAll(/^\| `([a-z0-9-]+\.[a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
    expect(sorted(listed)).toEqual(sorted(EVENT_TYPES));
  });
});

describe('no event is named outside the table', () => {
  it('api/, workflows/ and web/ name no event type', () => {
    const files = ['api', 'workflows', 'web'].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(ts|njk)$/.test(f))
        .map((f) => `${dir}/${f}`),
    );
    expect(files.length).toBeGreaterThan(20);
    const named = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return EVENT_TYPES.filter((t) => text.includes(`'${t}'`) || text.includes(`"${t}"`)).map((t) => `${file}: ${t}`);
    });
    expect(named).toEqual([]);
  });
});
