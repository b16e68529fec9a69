/**
 * The API process (a composition root, like worker.ts): config, one Temporal client, the app
 * (app.ts: the API with the pages), graceful shutdown. With API_PROCESSES > 1 it forks that many
 * with Node's cluster module, all serving one port (the primary hands out connections), and starts
 * a new one when one dies; each keeps its own Temporal client. Metrics are served apart, on
 * API_METRICS_ADDRESS (api/metrics-server.ts).
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { configOrExit, type Config } from './config/index.js';
import { createLogger } from './config/logger.js';
import { connectClient } from './config/temporal.js';
import { appDepsFromConfig, createApp } from './app.js';
import { createMetrics } from './api/metrics.js';
import { openReporting } from './reporting/index.js';
import { registrySource, serveMetrics, type MetricsSource } from './api/metrics-server.js';

async function main() {
  const config = configOrExit();
  const logger = createLogger(config, 'api');
  // With API_PROCESSES > 1 the primary warns once (supervise), not each process it forks.
  if (config.calendarWarning && cluster.isPrimary) logger.warn(config.calendarWarning);
  const metrics = createMetrics();
  // Metrics on their own listener, never the public port: a forked process hands its registry to
  // the primary's aggregate (supervise); a lone process serves its own.
  if (cluster.isWorker) {
    AggregatorRegistry.setRegistries(metrics.registry);
    // Constructing one installs the answer to the primary's requests (prom-client does it nowhere else).
    new AggregatorRegistry();
  } else if (config.apiMetricsAddress) await listenForMetrics(config, logger, registrySource(metrics.registry));
  const { connection, client } = await connectClient(config, metrics.observeTemporal);
  const deps = appDepsFromConfig(config);
  const app = createApp({
    client,
    logger,
    metrics,
    // Read only here: the worker's reporting adapter writes it (SQLite's WAL, or PostgreSQL, lets both at once).
    reporting: await openReporting(config.reporting),
    // Fail closed: the dev sign-in and cookies without Secure only with the explicit local switch.
    devSignIn: config.local,
    secureCookies: !config.local,
    ...deps,
  });
  // Express 5 hands a listen error (e.g. the port is taken) to this callback instead of throwing.
  const server: Server = app.listen(config.port, config.host, (err?: Error) => {
    if (err) {
      logger.fatal({ port: config.port, host: config.host, err: err.message }, 'api cannot listen');
      process.exit(1);
    }
    logger.info({ port: config.port, host: config.host }, 'api listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping: finishing requests in flight');
    // close() stops accepting and waits for requests in flight; idle keep-alive sockets go now.
    server.close(() => {
      void Promise.allSettled([deps.accessLog.close(), connection.close()]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), config.shutdownGraceMs).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A forked process whose primary is gone (killed) stops too, rather than serve on unsupervised.
  if (cluster.isWorker) process.on('disconnect', () => stop('primary gone'));
}

/** The metrics listener, or exit naming the setting (a taken port is a deployment mistake, said at start). */
async function listenForMetrics(config: Config, logger: Logger, source: MetricsSource) {
  const address = config.apiMetricsAddress;
  try {
    (await serveMetrics(address, source)).unref();
    logger.info({ address }, 'api metrics listening');
  } catch (err) {
    logger.fatal({ address, err: (err as Error).message }, 'api metrics cannot listen (API_METRICS_ADDRESS)');
    process.exit(1);
  }
}

/** The primary of API_PROCESSES processes: forks them, replaces one that dies, passes signals on. */
async function supervise(config: Config) {
  const processes = config.apiProcesses;
  const logger = createLogger(config, 'api');
  if (config.apiMetricsAddress) {
    // One scrape for all the processes: the aggregate asks each over the cluster channel and sums.
    const aggregate = new AggregatorRegistry();
    await listenForMetrics(config, logger, {
      contentType: aggregate.contentType,
      metrics: () => aggregate.clusterMetrics(),
    });
  }
  if (config.calendarWarning) logger.warn(config.calendarWarning);
  let stopping = false;
  for (let i = 0; i < processes; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn({ pid: worker.process.pid, code, signal }, 'an API process died; starting another');
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const left = () => Object.keys(cluster.workers ?? {}).length;
    const check = setInterval(() => left() === 0 && process.exit(0), 100);
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 1_000).unref();
    check.unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  logger.info({ processes, port: config.port }, 'api processes started on one port');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const config = cluster.isPrimary ? configOrExit() : undefined;
  if (config && config.apiProcesses > 1)
    supervise(config).catch((err) => {
      console.error(err);
      process.exit(1);
    });
  else
    main().catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
