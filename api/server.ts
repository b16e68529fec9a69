/** The API process: config, one Temporal client, the app, graceful shutdown. */
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { configOrExit } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { connectClient } from '../config/temporal.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';

async function main() {
  const config = configOrExit();
  const logger = createLogger(config, 'api');
  const metrics = createMetrics();
  const { connection, client } = await connectClient(config, metrics.observeTemporal);
  const app = createApp({ client, taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, auth: config.auth, logger, metrics, policy: config.policy, webhookSecrets: config.webhookSecrets, imports: config.imports, devSignIn: config.env !== "production", secureCookies: config.env === "production", ...config.api });
  // Express 5 hands a listen error (e.g. the port is taken) to this callback instead of throwing.
  const server: Server = app.listen(config.port, (err?: Error) => {
    if (err) {
      logger.fatal({ port: config.port, err: err.message }, 'api cannot listen');
      process.exit(1);
    }
    logger.info({ port: config.port }, 'api listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping: finishing requests in flight');
    // close() stops accepting and waits for requests in flight; idle keep-alive sockets go now.
    server.close(() => {
      void connection.close().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), config.shutdownGraceMs).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
