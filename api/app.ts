/** Builds the HTTP app from its dependencies; nothing here opens a connection or a port. */
import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { createAuth, type AuthConfig } from './auth.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { casesRouter } from './routes/cases.js';

export interface AppDeps {
  client: Client;
  taskQueue: string;
  namespace: string;
  auth: AuthConfig;
  logger: Logger;
  bodyLimit?: string;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Identifiers only: bodies carry personal data and stay out of the logs.
      serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
    }),
  );
  app.use(express.json({ limit: deps.bodyLimit ?? '100kb', type: ['application/json', 'application/*+json'] }));

  const auth = createAuth(deps.auth);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.client.workflowService.describeNamespace({ namespace: deps.namespace });
      res.json({ status: 'ready' });
    } catch {
      sendProblem(res, problem(503, 'temporal-unavailable', 'Temporal is not reachable.'), { 'Retry-After': '5' });
    }
  });

  app.use('/cases', casesRouter({ client: deps.client, taskQueue: deps.taskQueue, auth }));

  app.use((req, res) => sendProblem(res, problem(404, 'no-route', `No route for ${req.method} ${req.path}.`)));
  app.use(errorHandler((err) => deps.logger.error({ err }, 'unhandled error')));
  return app;
}
