/**
 * `npm start`: the whole thing on one machine. The Temporal dev server on a SQLite file under
 * data/ (or the server at TEMPORAL_ADDRESS), the worker and the API; prints where to click and a
 * dev token per role. Ctrl-C stops every child. Run it again: the cases are still there.
 *
 * `npm run start:cluster` (--cluster): the Temporal server on the local PostgreSQL instead of the
 * dev server, the reporting read model in a PostgreSQL database of its own, and two workers and two
 * API processes on one port, as a department would run it.
 */
import { dirname, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { signDevToken } from '../api/auth.js';
import { configOrExit } from '../config/index.js';
import { connectionOptions } from '../config/temporal.js';
import { describeSystem, HTTP_SYSTEMS, ROLES, SOURCES, systemOfSource } from '../domain/index.js';
import { redacted } from '../reporting/pg-store.js';
import { CLUSTER_REPORTING_DATABASE, createDatabaseIfMissing, withDatabase } from '../reporting/pg-database.js';
import { ROOT, spawnService, waitForHttp, type Service } from './processes.js';
import { resolveTemporalCli } from '../temporal/cli.js';
import {
  CLUSTER_PROCESSES,
  portsFrom,
  postgresOf,
  resolveServerBinaries,
  startClusterServer,
} from '../temporal/cluster.js';
import { prepareNamespace, startDevServer } from '../temporal/server.js';

const say = (line: string) => console.log(`[start] ${line}`);
// The first of the two commands runs everything locally: the explicit local switch, for it and each process it starts.
process.env.LOCAL_MODE ??= '1';
const config = configOrExit();
const onCluster = process.argv.includes('--cluster');
const services: Service[] = [];
let temporalServer: { stop(): Promise<void>; uiUrl?: string } | undefined;
let stopping = false;

/**
 * Waits until `count` workers have polled the case task queue since `since` (a restart's earlier
 * workers stay listed for a while, so only pollers seen after this start count), or fails if a
 * child has exited or the time runs out.
 */
async function waitForPollers(connection: Connection, count: number, since: number, timeoutMs: number) {
  const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: config.temporal.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const fresh = new Set(
      (pollers ?? [])
        .filter((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= since - 1_000)
        .map((p) => p.identity),
    );
    if (fresh.size >= count) return;
    if (stopping) throw new Error('a process exited before the workers were polling');
    if (Date.now() > deadline)
      throw new Error(`${count - fresh.size} of ${count} workers were not polling within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopAll(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  say('stopping…');
  // The API first (finish requests in flight), then the worker, then the server under them.
  for (const s of [...services].reverse()) await s.stop(config.shutdownGraceMs);
  await temporalServer?.stop();
  say('stopped; nothing left running.');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  let address: string;
  const dataDir = dirname(resolve(ROOT, config.temporal.dbFile));
  if (onCluster && !process.env.TEMPORAL_ADDRESS) {
    const binaries = await resolveServerBinaries(process.env, say);
    if (!binaries.ok) throw new Error(binaries.error);
    const server = await startClusterServer(binaries.value, {
      dir: resolve(dataDir, 'temporal-cluster'),
      postgres: postgresOf(config.temporal.cluster.postgresUrl),
      ports: portsFrom(config.temporal.devPort),
      historyShards: config.temporal.cluster.historyShards,
      log: say,
    });
    temporalServer = server;
    address = server.address;
  } else {
    const cli = await resolveTemporalCli({ log: say });
    if (!cli.ok) {
      console.error(cli.error);
      process.exit(1);
    }
    say(cli.value.description);
    if (cli.value.kind === 'external') {
      address = cli.value.address;
    } else {
      const dbFile = resolve(ROOT, config.temporal.dbFile);
      const server = await startDevServer({
        cli: cli.value.path,
        dbFile,
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        logFile: resolve(dataDir, 'temporal.log'),
        namespaces: [config.temporal.namespace],
        // The UI decrypts payloads through the API's codec routes (supervisors and auditors).
        uiCodecEndpoint: `http://localhost:${config.port}/codec`,
      });
      temporalServer = server;
      address = server.address;
      say(`Temporal dev server on ${address}, state in ${dbFile}`);
    }
  }
  // The same TLS or API key as the worker and the API: a server at TEMPORAL_ADDRESS may require them.
  const connection = await Connection.connect({ ...connectionOptions(config), address });
  await prepareNamespace(connection, config.temporal.namespace, config.temporal.retentionDays);

  // Each reporting system's webhook secret, under its own setting, for the reference systems and the API.
  const secrets = Object.fromEntries(
    SOURCES.map((s) => [describeSystem(systemOfSource(s)).webhookSecretSetting!, config.webhookSecrets[s]]),
  );
  // On the cluster the reporting model is in PostgreSQL (REPORTING_POSTGRES_URL, or a database of its
  // own beside Temporal's), which every worker and API process reaches from any host.
  const reportingUrl = onCluster
    ? (config.reporting.postgresUrl ?? withDatabase(config.temporal.cluster.postgresUrl, CLUSTER_REPORTING_DATABASE))
    : undefined;
  if (reportingUrl) {
    await createDatabaseIfMissing(reportingUrl);
    say(`reporting read model in PostgreSQL: ${redacted(reportingUrl)}`);
  }
  const env = {
    TEMPORAL_ADDRESS: address,
    ...secrets,
    ...(reportingUrl ? { REPORTING_POSTGRES_URL: reportingUrl } : {}),
  };
  const prefixed = (name: string) => (line: string) => console.log(`[${name}] ${line}`);
  const portOf = (url: string) => new URL(url).port;
  // Started in this order and stopped in reverse: the reference systems outlive the worker that calls them.
  // On the cluster: two workers on the one task queue (each with its own metrics port) and the API
  // as two processes on one port.
  const apiProcesses = onCluster ? Math.max(CLUSTER_PROCESSES.apiProcesses, config.apiProcesses) : config.apiProcesses;
  const metricsPort = Number(config.workerMetricsAddress.split(':').pop() || 0);
  const workers: Array<[string, string, string[], NodeJS.ProcessEnv?]> = onCluster
    ? Array.from({ length: CLUSTER_PROCESSES.workers }, (_, i) => i + 1).map((n) => [
        `worker-${n}`,
        'worker.ts',
        [],
        { WORKER_METRICS_ADDRESS: metricsPort ? `127.0.0.1:${metricsPort + n - 1}` : '' },
      ])
    : [['worker', 'worker.ts', []]];
  const children: Array<[string, string, string[], NodeJS.ProcessEnv?]> = [
    // One reference system per descriptor; those that report events post them to their webhook route.
    ...HTTP_SYSTEMS.map((key): [string, string, string[]] => {
      const { wire } = describeSystem(key);
      const webhook = (SOURCES as readonly string[]).includes(wire)
        ? ['--webhook-url', `http://127.0.0.1:${config.port}/integrations/${wire}/events`]
        : [];
      return [
        wire,
        'systems/server.ts',
        [wire, '--port', portOf(config.systems[key]), '--data', resolve(dataDir, `${wire}.jsonl`), ...webhook],
      ];
    }),
    ...workers,
    ['api', 'server.ts', [], { API_PROCESSES: String(apiProcesses) }],
  ];
  const spawnedAt = Date.now();
  for (const [name, script, args, own] of children) {
    const service = spawnService(name, script, { args, env: { ...env, ...own }, onLine: prefixed(name) });
    services.push(service);
    void service.exited.then((code) => {
      if (!stopping) {
        say(`${name} exited unexpectedly (code ${code}); stopping the rest.`);
        void stopAll(1);
      }
    });
  }
  const apiUrl = `http://localhost:${config.port}`;
  await waitForHttp(`${apiUrl}/readyz`, 60_000, services.at(-1));
  // "Running" means a change would be worked on: every worker this start launched is polling the
  // case task queue (the API can be ready seconds before a worker has bundled its workflow code).
  await waitForPollers(connection, workers.length, spawnedAt, 120_000);
  await connection.close();

  const tokens = await Promise.all(
    ROLES.map(async (role) => `  ${role.padEnd(12)} ${await signDevToken({ role, sub: `dev-${role}` }, config.auth)}`),
  );
  console.log(
    [
      '',
      '  Asylum case tracker is running.',
      '',
      `  Pages          ${apiUrl}/app   (sign in by choosing a role)`,
      `  API            ${apiUrl}   (health: ${apiUrl}/readyz; docs: ${apiUrl}/docs)`,
      `  Home Office    ${config.systems.homeOffice}/admin/stats   (reference system; faults: PUT /admin/faults)`,
      `  HMCTS          ${config.systems.courts}/admin/stats`,
      `  Escalations    ${config.systems.notifier}/messages   (reference notifier)`,
      `  Temporal UI    ${temporalServer?.uiUrl ? `${temporalServer.uiUrl}/namespaces/${config.temporal.namespace}/workflows` : `(none started: the server at ${address}; \`temporal workflow list --address ${address} -n ${config.temporal.namespace}\`)`}`,
      ...(temporalServer?.uiUrl
        ? [
            `                 (payloads are encrypted: the UI decrypts them through ${apiUrl}/codec for a supervisor or`,
            `                 auditor signed in to the pages at ${apiUrl}/app; open it at http://localhost:${config.temporal.uiPort}, and in`,
            `                 its codec settings tick "Include cross-origin credentials" once: docs/operations.md)`,
          ]
        : []),
      ...(onCluster
        ? [
            `  Topology       Temporal server on PostgreSQL, workers ${workers.map((w) => w[0]).join(' + ')}, API × ${apiProcesses} on port ${config.port}`,
          ]
        : []),
      '',
      '  Dev tokens (12 h; another any time: npm run token -- --role supervisor --sub alice):',
      ...tokens,
      '',
      '  Try:',
      `    TOKEN=<caseworker token above>`,
      `    curl -s -X POST ${apiUrl}/cases -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
      `      -d '{"homeOfficeRef":"H1234567","person":{"name":"A N Other","dateOfBirth":"1990-01-01","nationality":"ERI"},"claimDate":"2026-01-05","cohort":{"supportedAccommodation":true,"foreignNationalOffender":false,"detained":false}}'`,
      '',
      '  See it end to end: npm run demo (in another terminal).',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} catch (err) {
  console.error(`[start] failed: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(1);
}
