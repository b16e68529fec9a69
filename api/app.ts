/** Builds the HTTP app from its dependencies; nothing here opens a connection or a port. */
import { randomBytes, randomUUID } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { DEFAULT_POLICY, type Policy, type Source } from '../domain/index.js';
import { DEV_WEBHOOK_SECRETS } from '../config/index.js';
import { accessRecorder } from './access.js';
import type { AccessLog } from './access-log.js';
import { createAuth, type AuthConfig, type SessionToken } from './auth.js';
import { createMetrics, type Metrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { pageTokenSealer } from './page-token.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { redactUrl } from './redact-url.js';
import { mount, type Route } from './route.js';
import { accessRoutes } from './routes/access.js';
import { caseRoutes } from './routes/cases.js';
import { erasureRoutes } from './routes/erasure.js';
import { codecCors, codecRoutes } from './routes/codec.js';
import { docsAssets, opsRoutes } from './routes/ops.js';
import { importRoutes } from './routes/imports.js';
import { integrationRoutes } from './routes/integrations.js';
import { peopleRoutes } from './routes/people.js';
import { reconciliationRoutes } from './routes/reconciliation.js';
import { reportRoutes } from './routes/reports.js';
import { reportingRoutes } from './routes/reporting.js';
import { reportCasesRoutes } from './routes/report-cases.js';
import { moreReportingRoutes } from './routes/reporting-more.js';
import type { ReportingStore } from '../reporting/index.js';

export interface AppDeps {
  client: Client;
  taskQueue: string;
  namespace: string;
  auth: AuthConfig;
  logger: Logger;
  metrics?: Metrics;
  bodyLimit?: string;
  updateTimeoutMs?: number;
  policy?: Policy;
  /** Whether a new case names its feature set in its input (`NAME_CASE_FEATURES`); default on. */
  nameCaseFeatures?: boolean;
  webhookSecrets?: Record<Source, string>;
  /** The pages (web/), handed in by the composition root (../app.ts): this folder does not import them. */
  pages?: express.Handler;
  /** Where uploads go (shared with the worker) and how large one may be. */
  imports?: { dir: string; maxBytes: number };
  /** Who read or changed which case: required, so no app serves a case without recording it. */
  accessLog: AccessLog;
  /** The pages' sign-in cookie reader (web/), for the codec routes a signed-in browser calls. */
  sessionToken?: SessionToken;
  /** Origins of the Temporal web UI, allowed to call the codec routes from a browser. */
  temporalUiOrigins?: readonly string[];
  /** The reporting read model (#20): flow and ageing are read from it. */
  reporting: ReportingStore;
}

export function createApp(deps: AppDeps): express.Express & { routes: Route[] } {
  const app = express();
  const metrics = deps.metrics ?? createMetrics();
  app.disable('x-powered-by');
  // GOV.UK Frontend's page template runs one inline script; it gets this response's nonce, and no
  // other inline script runs.
  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`] },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Identifiers only: bodies and headers carry personal data and tokens, and stay out of the logs;
      // so do query values and people's references in the path (`/cases?ref=…`, `/people/…`).
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(metrics.middleware);
  app.use(
    express.json({
      limit: deps.bodyLimit ?? '100kb',
      type: ['application/json', 'application/*+json'],
      // Webhook signatures are over the bytes as sent.
      verify: (req, _res, raw) => {
        (req as { rawBody?: Buffer }).rawBody = raw;
      },
    }),
  );

  let document: unknown;
  const routes: Route[] = [
    ...opsRoutes({
      client: deps.client,
      namespace: deps.namespace,
      document: () => (document ??= openApiDocument(routes)),
    }),
    ...caseRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      updateTimeoutMs: deps.updateTimeoutMs ?? 10_000,
      pageTokens: pageTokenSealer(deps.auth.jwtSecret),
      policy: deps.policy ?? DEFAULT_POLICY,
      nameFeatures: deps.nameCaseFeatures ?? true,
    }),
    ...reportRoutes(deps.client, deps.updateTimeoutMs ?? 10_000, deps.reporting),
    ...reportingRoutes(deps.reporting),
    ...reportCasesRoutes(deps.reporting, pageTokenSealer(deps.auth.jwtSecret)),
    ...moreReportingRoutes(deps.reporting),
    ...importRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      importDir: deps.imports?.dir ?? 'data/imports',
      maxBytes: deps.imports?.maxBytes ?? 100 * 1024 * 1024,
      policy: deps.policy ?? DEFAULT_POLICY,
      timeoutMs: deps.updateTimeoutMs ?? 10_000,
    }),
    ...reconciliationRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      timeoutMs: deps.updateTimeoutMs ?? 10_000,
    }),
    ...accessRoutes(deps.accessLog),
    ...erasureRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      log: deps.accessLog,
      timeoutMs: deps.updateTimeoutMs ?? 10_000,
      reporting: deps.reporting,
    }),
    ...peopleRoutes(deps.client, deps.updateTimeoutMs ?? 10_000),
    // The codec of the API's own client: the UI reads what the API reads, no more.
    ...codecRoutes(deps.client.options.loadedDataConverter.payloadCodecs),
    ...integrationRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      secrets: deps.webhookSecrets ?? DEV_WEBHOOK_SECRETS,
      policy: deps.policy ?? DEFAULT_POLICY,
      timeoutMs: deps.updateTimeoutMs ?? 10_000,
    }),
  ];
  app.use('/docs', docsAssets());
  // The pages: a client of the routes below, served by the same process.
  if (deps.pages) app.use(deps.pages);
  app.use('/codec', codecCors(deps.temporalUiOrigins ?? []));
  const router = express.Router();
  mount(router, routes, createAuth(deps.auth, deps.sessionToken), accessRecorder(deps.accessLog, deps.logger));
  app.use(router);

  app.use((req, res) => sendProblem(res, problem(404, 'no-route', `No route for ${req.method} ${req.path}.`)));
  app.use(errorHandler(deps.logger));
  return Object.assign(app, { routes });
}
