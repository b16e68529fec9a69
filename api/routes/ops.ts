/**
 * Health, readiness and the API's own description: no token needed. Metrics are not here: they are
 * served on an internal listener (api/metrics-server.ts), never the public port.
 */
import { createRequire } from 'node:module';
import express, { type Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { deadlineFor } from '../deadline.js';
import { problem, sendProblem } from '../problem.js';
import { route, type Route } from '../route.js';

const status = z.object({ status: z.string() });
const ok = (description: string, schema: z.ZodType = status) => ({
  description,
  content: { 'application/json': { schema } },
});

export function opsRoutes(deps: { client: Client; namespace: string; document: () => unknown }): Route[] {
  return [
    route({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness',
      tags: ['operations'],
      roles: 'public',
      responses: { 200: ok('The process is up') },
      handler: (_i, _req, res) => void res.json({ status: 'ok' }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: Temporal reachable',
      tags: ['operations'],
      roles: 'public',
      responses: { 200: ok('Ready'), 503: { description: 'Temporal is not reachable' } },
      async handler(_i, _req, res) {
        try {
          await deadlineFor(
            deps.client,
            2_000,
          )(() => deps.client.workflowService.describeNamespace({ namespace: deps.namespace }));
          res.json({ status: 'ready' });
        } catch {
          sendProblem(res, problem(503, 'temporal-unavailable', 'Temporal is not reachable.'), { 'Retry-After': '5' });
        }
      },
    }),
    route({
      method: 'get',
      path: '/openapi.json',
      summary: 'This API as OpenAPI 3.1',
      tags: ['operations'],
      roles: 'public',
      responses: { 200: ok('The document', z.object({ openapi: z.string() })) },
      handler: (_i, _req, res) => void res.json(deps.document()),
    }),
    route({
      method: 'get',
      path: '/docs',
      summary: 'This API, readable (Swagger UI)',
      tags: ['operations'],
      roles: 'public',
      responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
      handler: (_i, _req, res) => void res.type('html').send(DOCS_PAGE),
    }),
  ];
}

// Swagger UI's files come from the swagger-ui-dist package, served from here: no CDN, and the
// page's only script is our own file, so the strict content security policy stays on.
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Asylum case tracker API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;

export function docsAssets(): Router {
  const router = express.Router();
  const dist = createRequire(import.meta.url)
    .resolve('swagger-ui-dist/package.json')
    .replace(/package\.json$/, '');
  router.use('/assets', express.static(dist, { index: false, maxAge: '1d' }));
  router.get('/init.js', (_req, res) => {
    res
      .type('application/javascript')
      .send("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: true });");
  });
  return router;
}
