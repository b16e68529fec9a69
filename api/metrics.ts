/**
 * Prometheus metrics of the API process (prom-client): request latency per route pattern, latency
 * of every Temporal gRPC call by method and status, and Node's own process metrics. One registry
 * per app, so tests that build several apps do not collide.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const temporal = new Histogram({
    name: 'temporal_client_request_duration_seconds',
    help: 'Temporal gRPC call latency by method and status code',
    labelNames: ['method', 'code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = http.startTimer({ method: req.method });
    res.on('finish', () => {
      // The matched pattern (e.g. /cases/:caseId), never the raw path: ids would explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ route, status: String(res.statusCode) });
    });
    next();
  };

  return {
    registry,
    middleware,
    observeTemporal: (method: string, code: number, seconds: number) =>
      temporal.observe({ method, code: String(code) }, seconds),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
