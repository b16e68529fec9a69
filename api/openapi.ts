/** The OpenAPI 3.1 document, generated from the same route declarations that Express mounts. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registerPaths, type Route } from './route.js';

export function openApiDocument(routes: Route[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT with `sub` and `role` claims',
  });
  registerPaths(registry, routes);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Asylum case tracker',
      version: '1',
      description:
        'One durable record per asylum case, claim to exit, synced with the Home Office and HMCTS. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
  });
}
