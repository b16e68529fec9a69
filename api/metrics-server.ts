/**
 * The API's Prometheus metrics on a listener of their own (API_METRICS_ADDRESS), never on the
 * public port: request counts by route, Temporal call latencies and process figures tell an
 * outsider how the service is used and how loaded it is. One process serves its own registry; the
 * primary of API_PROCESSES processes serves all of theirs summed (prom-client's AggregatorRegistry
 * asks each forked process over the cluster channel), so one scrape sees the whole API.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** "host:port" as the worker's WORKER_METRICS_ADDRESS has it; a bare port binds to loopback. */
export function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = at < 0 ? '127.0.0.1' : address.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { host, port: Number(address.slice(at + 1)) };
}

/** What a scrape answers: one registry's text, or the cluster's summed text. */
export interface MetricsSource {
  contentType: string;
  metrics: () => Promise<string>;
}

export const registrySource = (registry: Registry): MetricsSource => ({
  contentType: registry.contentType,
  metrics: () => registry.metrics(),
});

/** Listens on `address`; GET /metrics answers, anything else is 404. Resolves once listening. */
export function serveMetrics(address: string, source: MetricsSource): Promise<Server> {
  const { host, port } = parseAddress(address);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    source.metrics().then(
      (text) => res.writeHead(200, { 'content-type': source.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
