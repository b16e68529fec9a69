/**
 * The web service: GOV.UK-styled pages over the API, rendered on the server with GOV.UK
 * Frontend's Nunjucks macros, working without client-side JavaScript. Every page reads and
 * writes through the HTTP API with the signed-in person's token (api-client.ts); lists are
 * paged by the API, so no page loads everything.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import { decodeJwt } from 'jose';
import nunjucks from 'nunjucks';
import {
  addDays,
  daysBetween,
  EVENT_TYPES,
  HELD_EVENTS,
  isEventType,
  isRole,
  londonDate,
  RESEND_EVENT,
  ROLES,
  type AppealEnding,
  type ClockView,
  type EventType,
  type HeldView,
  type Role,
} from '../domain/index.js';
import { apiFor } from './api-client.js';
import { lastWeeks, overviewCharts } from './overview-charts.js';
import { eventFromForm, formFor, humanise } from './forms.js';
import { REPORT_CASES_PARAMS, reportCasesHref, reportCasesTitle } from './report-links.js';
import { longDate } from './dates.js';
import { dateFromParts, partsOf, rangeOf, rangeProblem, REPORT_PAGES } from './report-pages.js';
import { clearToken, sameOrigin, setToken, tokenOf } from './session.js';

const GOVUK = createRequire(import.meta.url)
  .resolve('govuk-frontend/package.json')
  .replace(/package\.json$/, 'dist');
const VIEWS = fileURLToPath(new URL('./views', import.meta.url));

export interface WebDeps {
  /** Mints the dev sign-in's token (the composition root hands in the API's dev-token signer). */
  signDevToken: (principal: Principal) => Promise<string>;
  /** Whether the dev sign-in (choose a role) is offered; off where single sign-on fronts the service. */
  devSignIn: boolean;
  secureCookies: boolean;
}

type Principal = { role: Role; sub: string };

/** The person signed in, read from the token's claims (the API verifies it on every call). */
function principalOf(req: Request): Principal | undefined {
  const token = tokenOf(req);
  if (!token) return undefined;
  try {
    const claims = decodeJwt(token);
    if (!isRole(claims.role) || typeof claims.sub !== 'string' || (claims.exp ?? 0) * 1000 < Date.now())
      return undefined;
    return { role: claims.role, sub: claims.sub };
  } catch {
    return undefined;
  }
}

/** Today in London, and a day counted from it: the dates people are told are London dates. */
const today = (plus = 0) => addDays(londonDate(Date.now()), plus);
/** Days from today to a limit's last day: 0 on the last day itself (it ends today), negative once it has passed. */
const daysLeft = (lastDay: string) => daysBetween(today(), lastDay);
const daysLeftText = (lastDay: string) => {
  const n = daysLeft(lastDay);
  return n === 0
    ? 'ends today'
    : n > 0
      ? `${n} day${n === 1 ? '' : 's'} left`
      : `ended ${-n} day${n === -1 ? '' : 's'} ago`;
};
export function webRouter(deps: WebDeps): Router {
  const env = nunjucks.configure([VIEWS, GOVUK], { autoescape: true, noCache: process.env.NODE_ENV !== 'production' });
  env.addFilter('humanise', humanise);
  env.addFilter('daysLeft', daysLeftText);
  env.addFilter('lastDay', longDate);
  env.addFilter('date', (iso: string) =>
    iso
      ? new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
      : '',
  );
  env.addFilter('datetime', (iso: string) =>
    iso
      ? new Date(iso).toLocaleString('en-GB', {
          day: 'numeric',
          month: 'short',
          year: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          timeZone: 'Europe/London',
        })
      : '',
  );

  const router = express.Router();
  router.use('/assets', express.static(`${GOVUK}/govuk/assets`, { maxAge: '1d' }));
  router.get('/app/govuk-frontend.min.css', (_req, res) =>
    res.sendFile(`${GOVUK}/govuk/govuk-frontend.min.css`, { maxAge: '1d' }),
  );
  router.get('/app/app.css', (_req, res) => res.sendFile(`${VIEWS}/app.css`, { maxAge: '1h' }));
  router.use('/app', express.urlencoded({ extended: false, limit: '100kb' }), sameOrigin);

  function render(res: Response, view: string, context: Record<string, unknown>) {
    res.type('html').send(
      env.render(view, {
        ...context,
        principal: res.locals.principal,
        cspNonce: res.locals.cspNonce,
        path: res.req.path,
      }),
    );
  }
  /** Pages need a signed-in person; the sign-in page says which roles may see what. */
  function signedIn(roles: readonly Role[] = ROLES) {
    return (req: Request, res: Response, next: () => void) => {
      const who = principalOf(req);
      if (!who) return res.redirect(303, `/app/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      res.locals.principal = who;
      if (!roles.includes(who.role))
        return res
          .status(403)
          .type('html')
          .send(env.render('forbidden.njk', { principal: who, roles, cspNonce: res.locals.cspNonce }));
      next();
    };
  }
  const safeNext = (next: unknown) => (typeof next === 'string' && /^\/app(\/|$|\?)/.test(next) ? next : '/app');

  router.get('/', (_req, res) => res.redirect(302, '/app'));

  router.get('/app/sign-in', (req, res) =>
    render(res, 'sign-in.njk', { roles: ROLES, devSignIn: deps.devSignIn, next: safeNext(req.query.next) }),
  );
  router.post('/app/sign-in', async (req, res) => {
    if (!deps.devSignIn) return res.status(404).end();
    const role = req.body.role as unknown;
    const name = String(req.body.name ?? '').trim();
    const errors = [
      ...(isRole(role) && role !== 'integration' ? [] : [{ text: 'Select your role', href: '#role' }]),
      ...(/^[\w.@-]{1,60}$/.test(name)
        ? []
        : [{ text: 'Enter your user name: letters, digits and . _ @ - only', href: '#name' }]),
    ];
    if (errors.length > 0)
      return render(res.status(400), 'sign-in.njk', {
        roles: ROLES,
        devSignIn: true,
        errors,
        values: req.body,
        next: safeNext(req.body.next),
      });
    setToken(res, await deps.signDevToken({ role: role as Role, sub: name }), deps.secureCookies);
    res.redirect(303, safeNext(req.body.next));
  });
  router.post('/app/sign-out', (_req, res) => {
    clearToken(res);
    res.redirect(303, '/app/sign-in');
  });

  router.get('/app', signedIn(), async (req, res) => {
    const who = res.locals.principal as Principal;
    if (who.role !== 'supervisor' && who.role !== 'auditor') return res.redirect(303, '/app/cases');
    const api = apiFor(req);
    const weeks = lastWeeks(today(), 12);
    const [summary, unmatched, watch, flow, ageing] = await Promise.all([
      api('GET', '/reports/summary'),
      api('GET', '/integrations/unmatched'),
      watchList(api),
      api('GET', `/reports/flow?from=${weeks.from}&to=${weeks.to}`),
      api('GET', '/reports/ageing'),
    ]);
    // The case store said "not now" (429) or did not answer (503): the page says so, with the API's Retry-After.
    if (summary.status !== 200)
      return render(
        res.status(summary.status).set('Retry-After', summary.headers.get('retry-after') ?? '5'),
        'busy.njk',
        { detail: summary.body?.detail },
      );
    const backlog = Object.entries(summary.body.backlogByStage as Record<string, number>);
    const most = Math.max(1, ...backlog.map(([, n]) => n));
    render(res, 'overview.njk', {
      summary: summary.body,
      backlog: backlog.map(([stage, n]) => ({ stage, n, percent: Math.round((n / most) * 100) })),
      unmatched: Array.isArray(unmatched.body?.events) ? unmatched.body.events.length : 0,
      watch: watch.cases,
      watchUnreadable: watch.unreadable,
      // Where to look first: each stage's longest-waiting cases, as the ageing report names them.
      oldest:
        ageing.status === 200
          ? Object.entries(ageing.body.stages as Record<string, { oldest: Array<Record<string, unknown>> }>).flatMap(
              ([stage, a]) => a.oldest.map((o) => ({ stage, ...o })),
            )
          : [],
      // Every figure links to the cases behind it, counted and listed from the same model.
      figureHref: (figure: string, more: Record<string, string> = {}) =>
        reportCasesHref({ report: 'summary', figure, ...more }),
      ...overviewCharts(flow, ageing),
    });
  });

  // The cases behind a figure of the reports (#20), a page at a time.
  router.get('/app/reports/cases', signedIn(['supervisor', 'auditor']), async (req, res) => {
    const asked = Object.fromEntries(
      [...REPORT_CASES_PARAMS, 'pageToken'].flatMap((k) => {
        const v = req.query[k];
        return typeof v === 'string' && v !== '' ? [[k, v]] : [];
      }),
    ) as Record<string, string>;
    const listed = await apiFor(req)('GET', `/reports/cases?${new URLSearchParams({ ...asked, pageSize: '50' })}`);
    const { pageToken: _page, ...figure } = asked;
    const reportOf = REPORT_PAGES.find((p) => p.name === figure.report);
    const errors =
      listed.status === 400
        ? (listed.body.errors as Array<{ field: string; message: string }>).map((e) => ({
            text: `${e.field} ${e.message}`,
            href: '#results',
          }))
        : undefined;
    render(res.status(listed.status === 200 ? 200 : 400), 'report-cases.njk', {
      heading: reportCasesTitle(figure),
      // Back to the report the figure is on: its own page, or the overview's.
      back: reportOf
        ? { text: reportOf.title, href: `/app/reports/${reportOf.name}` }
        : { text: 'Overview', href: '/app' },
      asOf: listed.body?.asOf ?? new Date().toISOString(),
      caseIds: listed.status === 200 ? listed.body.caseIds : [],
      errors,
      next: listed.body?.nextPageToken
        ? `/app/reports/cases?${new URLSearchParams({ ...figure, pageToken: listed.body.nextPageToken })}`
        : undefined,
    });
  });

  // The reports with pages of their own (web/report-pages.ts), each with its CSV, the API's.
  router.get('/app/reports', signedIn(['supervisor', 'auditor']), (_req, res) =>
    render(res, 'reports.njk', { pages: REPORT_PAGES }),
  );
  for (const page of REPORT_PAGES) {
    router.get(`/app/reports/${page.name}`, signedIn(['supervisor', 'auditor']), async (req, res) => {
      const query = req.query as Record<string, unknown>;
      // The form's date boxes become the API's own parameters, so the page's address is the report's query.
      const typed = { from: dateFromParts(query, 'from'), to: dateFromParts(query, 'to') };
      if (typed.from !== undefined || typed.to !== undefined) {
        const range = rangeOf({ ...query, ...typed }, page, today());
        return res.redirect(303, `/app/reports/${page.name}?${new URLSearchParams(range)}`);
      }
      const range = rangeOf(query, page, today());
      const asked = new URLSearchParams(range);
      const answer = await apiFor(req)('GET', `/reports/${page.name}?${asked}`);
      if (answer.status === 429 || answer.status === 503)
        return render(
          res.status(answer.status).set('Retry-After', answer.headers.get('retry-after') ?? '5'),
          'busy.njk',
          {
            detail: answer.body?.detail,
          },
        );
      const shown = answer.status === 200 ? page.view(answer.body) : undefined;
      const errors =
        answer.status === 400
          ? (answer.body.errors as Array<{ field: string; message: string }>).map((e) => ({
              text: rangeProblem(e.field, e.message),
              href: `#${e.field}-day`,
              field: e.field,
            }))
          : undefined;
      render(res.status(answer.status === 400 ? 400 : shown ? 200 : 502), 'report.njk', {
        page,
        range: Object.fromEntries(Object.entries(range).map(([k, v]) => [k, partsOf(v)])),
        fieldErrors: Object.fromEntries((errors ?? []).map((e) => [e.field, e.text])),
        errors,
        shown,
        unavailable: answer.status !== 400 && !shown,
        csv: `/app/reports/${page.name}.csv${range.from ? `?${asked}` : ''}`,
      });
    });
    // The API's CSV as it answered, through the person's token (the API takes no cookie for it).
    router.get(`/app/reports/${page.name}.csv`, signedIn(['supervisor', 'auditor']), async (req, res) => {
      const range = rangeOf(req.query as Record<string, unknown>, page, today());
      const answer = await apiFor(req)(
        'GET',
        `/reports/${page.name}?${new URLSearchParams({ ...range, format: 'csv' })}`,
      );
      res.status(answer.status).type(answer.headers.get('content-type') ?? 'text/plain');
      const disposition = answer.headers.get('content-disposition');
      if (disposition) res.set('content-disposition', disposition);
      res.send(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  }

  router.get('/app/cases', signedIn(), async (req, res) => {
    const filters = Object.fromEntries(
      Object.entries(req.query).filter(
        ([k, v]) =>
          typeof v === 'string' &&
          v !== '' &&
          [
            'ref',
            'stage',
            'status',
            'cohort',
            'syncFailed',
            'absconded',
            'appealPending',
            'appealEnded',
            'appealsAtLeast',
            'clock',
            'escalation',
            'deadlineBefore',
            'assignee',
            'pageToken',
          ].includes(k),
      ),
    ) as Record<string, string>;
    const ref = filters.ref?.trim();
    // A case id goes straight to its page; other references search every identifier.
    if (ref && /^AC-[0-9A-Z]{12}$/i.test(ref)) return res.redirect(303, `/app/cases/${ref.toUpperCase()}`);
    const api = apiFor(req);
    const query = new URLSearchParams({ ...filters, pageSize: '25' });
    const found = await api('GET', `/cases?${query}`);
    const errors =
      found.status === 400
        ? (found.body.errors as Array<{ field: string; message: string }>).map((e) => ({
            text: `${e.field} ${e.message}`,
            href: `#${e.field}`,
          }))
        : [];
    const next = found.body?.nextPageToken
      ? `/app/cases?${new URLSearchParams({ ...filters, pageToken: found.body.nextPageToken })}`
      : undefined;
    render(res.status(found.status === 400 ? 400 : 200), 'cases.njk', {
      filters,
      cases: found.status === 200 ? found.body.cases : [],
      // None at all, not an empty list: templates treat any list as "there is a problem".
      errors: errors.length > 0 ? errors : undefined,
      next,
    });
  });

  router.get('/app/cases/:caseId', signedIn(), async (req, res) => {
    const api = apiFor(req);
    const id = encodeURIComponent(req.params.caseId as string);
    const [view, timeline] = await Promise.all([api('GET', `/cases/${id}`), api('GET', `/cases/${id}/timeline`)]);
    if (view.status !== 200)
      return render(res.status(view.status), 'not-found.njk', { what: `Case ${req.params.caseId}` });
    render(res, 'case.njk', {
      ...caseContext(view.body, timeline.body, res.locals.principal as Principal),
      done: doneText(req.query.done),
    });
  });

  router.post('/app/cases/:caseId/events', signedIn(), async (req, res) => {
    const api = apiFor(req);
    const id = encodeURIComponent(req.params.caseId as string);
    const type = String(req.body.type ?? '') as EventType;
    if (!(EVENT_TYPES as readonly string[]).includes(type)) return res.status(400).type('text').send('Unknown action.');
    const event = eventFromForm(type, req.body as Record<string, string>);
    // The form's own token makes a double-submitted form one change.
    const answer = await api('POST', `/cases/${id}/events`, event, {
      'idempotency-key': String(req.body.formKey ?? '').slice(0, 100) || randomBytes(12).toString('hex'),
    });
    if (answer.status === 200) return res.redirect(303, `/app/cases/${id}?done=${encodeURIComponent(type)}`);
    const [view, timeline] = await Promise.all([api('GET', `/cases/${id}`), api('GET', `/cases/${id}/timeline`)]);
    if (view.status !== 200)
      return render(res.status(view.status), 'not-found.njk', { what: `Case ${req.params.caseId}` });
    const problems = (answer.body?.errors as Array<{ field: string; message: string }> | undefined) ?? [
      { field: 'type', message: answer.body?.detail ?? 'could not be applied' },
    ];
    const labelOf = (field: string) => formFor(type).find((f) => f.name === field)?.label ?? humanise(field);
    const errors = problems.map((e) => ({
      text: `${labelOf(e.field)} ${e.message.replace(/, YYYY-MM-DD$/, '')}`,
      href: `#${type}-${e.field}${formFor(type).find((f) => f.name === e.field)?.kind === 'date' ? '-day' : ''}`,
    }));
    render(res.status(answer.status === 409 ? 409 : 400), 'case.njk', {
      ...caseContext(view.body, timeline.body, res.locals.principal as Principal),
      errors,
      failed: {
        type,
        fields: Object.fromEntries(
          problems.map((e) => [e.field, `${labelOf(e.field)} ${e.message.replace(/, YYYY-MM-DD$/, '')}`]),
        ),
        values: req.body,
      },
    });
  });

  /**
   * A supervisor applies or dismisses a held inbound event: the API's own routes for it, with the
   * form's token as the Idempotency-Key. A refusal (it does not fit now, no reason given) comes back
   * on the case page in the error summary, next to the held event it is about.
   */
  router.post('/app/cases/:caseId/held/:key/:action', signedIn(), async (req, res) => {
    const action = req.params.action;
    if (action !== 'apply' && action !== 'dismiss') return res.status(404).type('text').send('Unknown action.');
    const api = apiFor(req);
    const id = encodeURIComponent(req.params.caseId as string);
    const key = String(req.params.key);
    const body = action === 'dismiss' ? { reason: String(req.body.reason ?? '') } : {};
    const answer = await api('POST', `/cases/${id}/held/${encodeURIComponent(key)}/${action}`, body, {
      'idempotency-key': String(req.body.formKey ?? '').slice(0, 100) || randomBytes(12).toString('hex'),
    });
    if (answer.status === 200) {
      // Applied, the change is the held event itself; say it by its name.
      const heldType = String(req.body.heldType ?? '');
      const done = action === 'dismiss' ? HELD_EVENTS.dismiss : isEventType(heldType) ? heldType : HELD_EVENTS.apply;
      return res.redirect(303, `/app/cases/${id}?done=${encodeURIComponent(done)}`);
    }
    const [view, timeline] = await Promise.all([api('GET', `/cases/${id}`), api('GET', `/cases/${id}/timeline`)]);
    if (view.status !== 200)
      return render(res.status(view.status), 'not-found.njk', { what: `Case ${req.params.caseId}` });
    const context = caseContext(view.body, timeline.body, res.locals.principal as Principal);
    const held = context.held.find((h) => h.key === key);
    const anchor = held ? `#${held.id}` : '#held';
    const problems = (answer.body?.errors as Array<{ field: string; message: string }> | undefined) ?? [
      // The workflow's refusal names its own event first: the page says what was tried instead.
      {
        field: 'event',
        message: String(answer.body?.detail ?? 'could not be done').replace(/^held\.\w+ is not allowed: /, ''),
      },
    ];
    const reasonError = problems.find((e) => e.field === 'reason');
    const errors = problems.map((e) =>
      e === reasonError
        ? { text: `${DISMISS_REASON} ${e.message}`, href: `${anchor}-reason` }
        : { text: `Could not ${action} the held event: ${e.message}`, href: anchor },
    );
    render(res.status([403, 409].includes(answer.status) ? answer.status : 400), 'case.njk', {
      ...context,
      errors,
      failedHeld: {
        key,
        reason: reasonError ? `${DISMISS_REASON} ${reasonError.message}` : undefined,
        values: req.body,
      },
    });
  });

  router.get('/app/imports', signedIn(['supervisor']), (_req, res) => render(res, 'imports.njk', {}));
  router.post('/app/imports', signedIn(['supervisor']), async (req, res) => {
    // The upload is multipart: hand the request body to the API as it came.
    const dryRun = req.query.dryRun === 'true';
    const answer = await fetch(`http://127.0.0.1:${req.socket.localPort}/imports?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf(req)}`, 'content-type': req.get('content-type') ?? '' },
      body: req as unknown as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const body = (await answer.json()) as { importId?: string; detail?: string; errors?: Array<{ message: string }> };
    if (answer.status !== 202)
      return render(res.status(answer.status), 'imports.njk', {
        errors: [{ text: body.detail ?? body.errors?.[0]?.message ?? 'The file could not be read', href: '#file' }],
      });
    res.redirect(303, `/app/imports/${body.importId}`);
  });
  router.get('/app/imports/:importId', signedIn(['supervisor', 'auditor']), async (req, res) => {
    const report = await apiFor(req)('GET', `/imports/${encodeURIComponent(req.params.importId as string)}`);
    if (report.status !== 200)
      return render(res.status(404), 'not-found.njk', { what: `Import ${req.params.importId}` });
    render(res, 'import.njk', { report: report.body });
  });
  router.post('/app/imports/:importId/confirm', signedIn(['supervisor']), async (req, res) => {
    const answer = await apiFor(req)('POST', `/imports/${encodeURIComponent(req.params.importId as string)}/run`);
    if (answer.status !== 202)
      return render(res.status(answer.status), 'not-found.njk', { what: `Import ${req.params.importId}` });
    res.redirect(303, `/app/imports/${answer.body.importId}`);
  });

  return router;
}

/** The label of the reason a supervisor gives for dismissing a held event. */
const DISMISS_REASON = 'Reason for dismissing';

/** The success banner after a change: the event's name, or what was done with a held event. */
function doneText(done: unknown): string | undefined {
  if (typeof done !== 'string' || done === '') return undefined;
  if (done === HELD_EVENTS.dismiss) return 'Held event dismissed';
  if (done === HELD_EVENTS.apply) return 'Held event applied';
  return `${humanise(done)} recorded`;
}

/** How an appeal ended without a determination, in words, on the London date it ended. */
const APPEAL_ENDED: Record<AppealEnding['how'], (on: string) => string> = {
  withdrawn: (on) => `The appeal was withdrawn on ${on}.`,
  'struck-out': (on) => `The appeal was struck out on ${on}.`,
  abandoned: (on) => `The appeal was abandoned on ${on}: leave was granted, or the appellant left the UK.`,
  'decision-withdrawn': (on) => `The appeal ended on ${on}: the Home Office withdrew its decision.`,
};
const appealEndedText = (ended: AppealEnding) =>
  (APPEAL_ENDED[ended.how] ?? ((on: string) => `The appeal ended (${humanise(ended.how)}) on ${on}.`))(
    longDate(ended.on),
  );

/** A limit's state in words, with the day that matters for it; "last day" follows on every state. */
function clockText(k: ClockView): string {
  const state =
    k.state === 'met' && k.stoppedOn
      ? `Met on ${longDate(k.stoppedOn)}`
      : k.state === 'ended' && k.endedOn
        ? `Ended on ${longDate(k.endedOn)}, when the appeal ended`
        : k.state === 'breached' && k.stoppedOn
          ? `Breached: done late, on ${longDate(k.stoppedOn)}`
          : k.state === 'exception' && k.exception
            ? `Exception: ${k.exception.reason}`
            : humanise(k.state);
  return [state, `last day ${longDate(k.lastDay)}`, ...(k.level ? [`escalation level ${k.level}`] : [])].join(' · ');
}

/** A held event's payload in words, e.g. "Hearing date: 2027-01-12". */
const heldDetails = (h: HeldView) =>
  Object.entries(h.event ?? {})
    .filter(([k]) => k !== 'type')
    .map(([k, v]) => `${humanise(k)}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`)
    .join(' · ');

/** Everything the case page shows, from the API's view of the case and its timeline. */
function caseContext(view: any, timeline: any, who: Principal) {
  // Re-sending and held events have their own buttons on the page, not forms of their own.
  const ownButtons: readonly string[] = [RESEND_EVENT, HELD_EVENTS.apply, HELD_EVENTS.dismiss];
  const actions = (view.allowedEvents as EventType[])
    .filter((t) => !ownButtons.includes(t))
    .map((type) => ({ type, label: humanise(type), fields: formFor(type) }));
  const held = ((view.held ?? []) as HeldView[]).map((h, i) => ({
    ...h,
    id: `held-${i + 1}`,
    label: humanise(h.type),
    details: heldDetails(h),
  }));
  const failures = Object.entries(view.sync as Record<string, { failure: unknown }>)
    .filter(([, s]) => s.failure)
    .map(([system]) => system);
  return {
    c: view,
    entries: [...(timeline?.entries ?? [])].reverse(),
    clocks: (view.clocks as ClockView[]).map((k) => ({
      name: humanise(k.name),
      text: clockText(k),
      daysLeft: k.state === 'running' ? daysLeftText(k.lastDay) : undefined,
    })),
    appealEnded: view.appealEnded ? appealEndedText(view.appealEnded) : undefined,
    held,
    canDecideHeld: who.role === 'supervisor',
    actions,
    canResend: view.allowedEvents.includes(RESEND_EVENT) ? failures : [],
    resendEvent: RESEND_EVENT,
    formKey: randomBytes(12).toString('hex'),
    who,
  };
}

/**
 * The 24-week watch list: breached first, then by days left, nearest 50. Read in three bands at
 * once (breached, due within a week, within four), each one page of the search, so the page costs
 * the same with ten cases or a hundred thousand.
 */
async function watchList(api: ReturnType<typeof apiFor>) {
  const bands = await Promise.all(
    ['clock=breached', `clock=running&deadlineBefore=${today(7)}`, `clock=running&deadlineBefore=${today(28)}`].map(
      (q) => api('GET', `/cases?${q}&pageSize=100`),
    ),
  );
  // A band the case store refused (its visibility budget, an outage) would make the list look shorter
  // than it is, and "nothing breached" is the one thing a supervisor must never be told wrongly: say
  // the list cannot be read, with when to try again, and keep the rest of the page.
  const refused = bands.find((b) => b.status !== 200);
  if (refused) return { cases: [], unreadable: { retryAfter: refused.headers.get('retry-after') ?? '5' } };
  const byId = new Map<string, any>();
  for (const band of bands) for (const c of band.body?.cases ?? []) byId.set(c.caseId, c);
  const cases = [...byId.values()]
    .sort((a, b) => String(a.deadline).localeCompare(String(b.deadline)))
    .slice(0, 50)
    .map((c) => ({ ...c, daysLeft: c.lastDay ? daysLeft(c.lastDay) : null }));
  return { cases, unreadable: null };
}
