/**
 * Every role against every route, and every role against every event type: the API's answers
 * must match the route declarations and the domain's role table, which are the only sources.
 */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createAccessLog } from '../api/access-log.js';
import { createApp } from '../app.js';
import type { Route } from '../api/route.js';
import { eventsReportedBy, EVENT_TYPES, ROLES, rolesFor, SOURCES, type Role, type Source } from '../domain/index.js';
import { newCaseBody, useStackWithCase } from './harness.js';
import { variants } from './domain-fixtures.js';

const ctx = useStackWithCase();

describe('authorisation matrix', () => {
  it('every role × every route answers 403 exactly where the route does not allow the role', async () => {
    const { stack, caseId } = ctx;
    const routes = createApp({
      devSignIn: true,
      secureCookies: false,
      reporting: stack.reporting,
      client: stack.client,
      taskQueue: 'x',
      namespace: 'x',
      auth: stack.config.auth,
      logger: pino({ level: 'silent' }),
      accessLog: createAccessLog(stack.config.accessLog),
    }).routes.filter((r: Route) => r.roles !== 'public');
    expect(routes.length).toBeGreaterThanOrEqual(5);
    // The access log and erasure (#19): supervisors and auditors read the log, supervisors alone erase.
    expect(routes.map((r: Route) => `${r.method} ${r.path} ${String(r.roles)}`)).toEqual(
      expect.arrayContaining([
        'get /cases/:caseId/access supervisor,auditor',
        'post /cases/:caseId/erase supervisor',
        // The reporting read model's reports (#20): supervisors and auditors only.
        'get /reports/flow supervisor,auditor',
        'get /reports/ageing supervisor,auditor',
      ]),
    );
    const rows: string[] = [];
    for (const route of routes) {
      for (const role of ROLES) {
        const path = route.path.replace(':caseId', caseId);
        // On the events route, each role sends an event the domain lets it send, if there is one
        // (an auditor has none, so the domain's answer for it is 403 there too).
        const sendable = EVENT_TYPES.find((t) => !rolesFor(t).includes('system') && rolesFor(t).includes(role));
        const isEvents = route.path.endsWith('/events');
        const body =
          route.method !== 'post'
            ? undefined
            : isEvents
              ? sendable
                ? variants(sendable)[0]
                : { type: 'claim.screened' }
              : newCaseBody();
        const res = await stack.call(route.method.toUpperCase(), path, { role, body });
        const allowed =
          ((route.roles as Role[]).length === 0 || (route.roles as Role[]).includes(role)) &&
          (!isEvents || sendable !== undefined);
        expect([401, 500]).not.toContain(res.status);
        rows.push(`${route.method} ${route.path} ${role}: ${res.status === 403 ? 'forbidden' : 'allowed'}`);
        expect(res.status === 403, `${route.method} ${route.path} as ${role} answered ${res.status}`).toBe(!allowed);
      }
    }
    expect(rows).toHaveLength(routes.length * ROLES.length);
  });

  it('every role × every event type answers 403 exactly where the domain table says the role may not send it', async () => {
    const { stack, caseId } = ctx;
    for (const type of EVENT_TYPES) {
      const allowedRoles = rolesFor(type);
      // A system's integration token is a caller of its own: it may send only what its system reports.
      const callers = ROLES.flatMap((role): Array<{ role: Role; system: Source | undefined }> =>
        role === 'integration' ? SOURCES.map((system) => ({ role, system })) : [{ role, system: undefined }],
      );
      for (const { role, system } of callers) {
        const who = system ? `integration (${system})` : role;
        const res = await stack.call('POST', `/cases/${caseId}/events`, {
          role: null,
          headers: { authorization: `Bearer ${await stack.token(role, `matrix-${role}`, system)}` },
          body: variants(type)[0],
        });
        if (allowedRoles.includes('system')) {
          // Timer events belong to the workflow: no body may carry them.
          expect(res.status, `${type} as ${who}`).toBe(400);
          expect(res.body.errors[0].field).toBe('type');
        } else {
          const may = allowedRoles.includes(role) && (!system || eventsReportedBy(system).includes(type));
          expect(res.status === 403, `${type} as ${who} answered ${res.status}`).toBe(!may);
          expect(res.status).toBeLessThan(500);
        }
      }
    }
  });
});
