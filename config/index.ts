/**
 * All configuration, from environment variables with safe local defaults, parsed in one place.
 * `.env.example` lists the same variables; docs/configuration.md's table explains them.
 */
import { z } from 'zod';
import { londonDate, minutesOfDay } from '../domain/days.js';
import { isCalendarDate } from '../domain/fields.js';
import { DEFAULT_POLICY, type Policy } from '../domain/policy.js';
import {
  HTTP_SYSTEMS,
  perHttpSystem,
  perSource,
  SYSTEM_REGISTRY,
  WIRE_FORMATS,
  type WireFormatChoice,
} from '../domain/systems.js';
import { bankHolidayCalendar, calendarCheck } from '../domain/working-days.js';
import { KEY_BYTES, type PayloadKeyring } from './payload-codec.js';

const port = z.coerce.number().int().min(0).max(65535);

/** A PostgreSQL database's URL: the cluster's schema tool and CREATE DATABASE take the name as it is. */
const postgresUrl = z
  .url()
  .refine(
    (u) => /^postgres(ql)?:\/\/[^/]+\/\w+$/.test(u),
    'postgres://user[:password]@host:port/database (letters, digits and _ in the name)',
  );

/** A comma-separated setting's entries, trimmed, empty ones dropped. */
const commaList = (value: string) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/** Shared secrets of the reference systems' webhooks, for local runs only. */
export const DEV_WEBHOOK_SECRETS = perSource((source) => `dev-only-${source}-webhook-secret`);

/** Each system's URL, and the shared secret of each that reports by webhook: named by its descriptor. */
const systemSettings = Object.fromEntries(
  HTTP_SYSTEMS.flatMap((key) => {
    const d = SYSTEM_REGISTRY[key];
    const url = [d.urlSetting, z.url().default(d.defaultUrl)] as const;
    // Unset: the system's own language where it has one (integrations/formats.ts).
    const format = 'formatSetting' in d ? [[d.formatSetting, z.enum(WIRE_FORMATS).optional()] as const] : [];
    return 'webhookSecretSetting' in d
      ? [url, ...format, [d.webhookSecretSetting, z.string().min(16).default(DEV_WEBHOOK_SECRETS[d.wire])] as const]
      : [url, ...format];
  }),
);

/** The fixed dev default: fine on a laptop, refused outside local mode. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

const systemsSchema = z.object(systemSettings);

// --- Personal data encrypted in Temporal (#19, the payload codec: config/payload-codec.ts) ---
/** The published dev payload key: fine on a laptop, refused outside local mode (everyone can read it). */
export const DEV_PAYLOAD_KEY_ID = 'dev';
const DEV_PAYLOAD_KEY = Buffer.from('dev-only-payload-key-change-me!!');
export const DEV_PAYLOAD_KEYS = `${DEV_PAYLOAD_KEY_ID}:${DEV_PAYLOAD_KEY.toString('base64')}`;

/** `id:base64,…`: each key 32 random bytes (`openssl rand -base64 32`). Errors name the entry, never the key. */
const parsePayloadKeys = (value: string, ctx: z.RefinementCtx<string>) => {
  const keys: Record<string, Buffer> = {};
  const entries = commaList(value);
  for (const [i, entry] of entries.entries()) {
    const m = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/]+={0,2})$/.exec(entry);
    const key = m ? Buffer.from(m[2]!, 'base64') : undefined;
    if (!m || key!.length !== KEY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${m ? `"${m[1]}"` : i + 1} is not id:base64 of ${KEY_BYTES} bytes (make one with openssl rand -base64 32)`,
      });
      return z.NEVER;
    }
    if (m[1]! in keys) {
      ctx.addIssue({ code: 'custom', message: `the key id "${m[1]}" is given twice` });
      return z.NEVER;
    }
    keys[m[1]!] = key!;
  }
  if (entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key, id:base64 (openssl rand -base64 32)' });
    return z.NEVER;
  }
  return keys;
};

const schema = z
  .object({
    NODE_ENV: z.string().default('development'),
    /**
     * The explicit local switch (`npm start` and the tests set it): dev secrets, the dev sign-in and
     * cookies without Secure are allowed only with it. Anything else is production: fail closed.
     */
    LOCAL_MODE: z
      .enum(['0', '1', 'true', 'false'])
      .default('0')
      .transform((v) => v === '1' || v === 'true'),
    PORT: port.default(3000),
    /** The address the API listens on (all interfaces: 0.0.0.0). */
    HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TEMPORAL_ADDRESS: z.string().optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('asylum-cases'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('asylum-cases'),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_DB: z.string().default('data/temporal.sqlite'),
    TEMPORAL_RETENTION_DAYS: z.coerce.number().int().positive().default(3650),
    // Any Temporal deployment: mTLS (self-hosted or Cloud with certificates), or an API key (Cloud).
    TEMPORAL_TLS_CERT: z.string().optional(),
    TEMPORAL_TLS_KEY: z.string().optional(),
    TEMPORAL_TLS_CA: z.string().optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
    TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
    TEMPORAL_API_KEY: z.string().optional(),
    // The cluster topology (`npm run start:cluster`): the Temporal server's own PostgreSQL and shards.
    TEMPORAL_POSTGRES_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/case_tracker_temporal'),
    TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16_384).default(4),
    // Every process (API or worker) sends at most this many visibility calls a second; all of them
    // together must stay under the namespace's visibility limit (docs/operations.md). 50: four
    // processes (start:cluster's two API processes and two workers) fill the cluster's 200 exactly.
    TEMPORAL_VISIBILITY_RPS: z.coerce.number().positive().max(10_000).default(50),
    API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').default(DEV_JWT_SECRET),
    JWT_ISSUER: z.string().default('asylum-case-tracker'),
    JWT_AUDIENCE: z.string().min(1).default('asylum-case-tracker'),
    /** The algorithms a JWKS key may sign with; pinned so a token cannot choose its own. */
    JWT_ALGORITHMS: z
      .string()
      .default('RS256,ES256')
      .transform(commaList)
      .pipe(z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'])).min(1)),
    JWKS_URL: z.url().optional(),
    UPDATE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/)
      .default('100kb'),
    WORKER_METRICS_ADDRESS: z.string().default('127.0.0.1:9464'),
    // How many cases the worker keeps in memory between their events (#21); one not kept replays its
    // history before its next task. Unset: as many as its heap holds (worker.ts, workflowCacheSize).
    WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
    // Workflow tasks the worker runs at once (the SDK's default, 40, when unset).
    WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).optional(),
    POLICY_APPEAL_WINDOW_DAYS: z.coerce.number().int().positive().default(DEFAULT_POLICY.appealWindowDays.inCountry),
    POLICY_APPEAL_WINDOW_OUT_OF_COUNTRY_DAYS: z.coerce
      .number()
      .int()
      .positive()
      .default(DEFAULT_POLICY.appealWindowDays.outOfCountry),
    POLICY_ONWARD_APPEAL_WINDOW_DAYS: z.coerce.number().int().positive().default(DEFAULT_POLICY.onwardAppealWindowDays),
    POLICY_RESPONDENT_EVIDENCE_DAYS: z.coerce.number().int().positive().default(DEFAULT_POLICY.respondentEvidenceDays),
    POLICY_RESPONDENT_REVIEW_DAYS: z.coerce.number().int().positive().default(DEFAULT_POLICY.respondentReviewDays),
    POLICY_TRIBUNAL_LIMIT_WEEKS: z.coerce.number().int().positive().default(DEFAULT_POLICY.tribunal.limitWeeks),
    POLICY_TRIBUNAL_WARNING_WEEKS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'comma-separated whole weeks, e.g. 16,20,22')
      .default(DEFAULT_POLICY.tribunal.warningWeeks.join(','))
      .transform((v) =>
        v
          .split(',')
          .map(Number)
          .sort((a, b) => a - b),
      ),
    POLICY_WARNING_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a London time of day, HH:MM, e.g. 07:00')
      .default(DEFAULT_POLICY.tribunal.warningTime!),
    // 0: every warning at POLICY_WARNING_TIME; up to 12 hours, so that a warning stays on its day.
    POLICY_WARNING_SPREAD_MINUTES: z.coerce.number().int().min(0).max(720).default(0),
    POLICY_COMMENCEMENT_DATE: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .default(DEFAULT_POLICY.tribunal.commencementDate),
    // Bank holidays added to the shipped England-and-Wales calendar (docs/deadline-days.md).
    BANK_HOLIDAYS_EXTRA: z
      .string()
      .default('')
      .transform(commaList)
      .superRefine((dates, ctx) => {
        const wrong = dates.filter((d) => !isCalendarDate(d));
        if (wrong.length > 0)
          ctx.addIssue({
            code: 'custom',
            message: `comma-separated real dates, YYYY-MM-DD, e.g. 2031-01-01,2031-04-11; not dates: ${wrong.join(', ')}`,
          });
      })
      .transform((dates) => [...new Set(dates)].sort()),
    IMPORT_DIR: z.string().default('data/imports'),
    IMPORT_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(100 * 1024 * 1024),
    // CSV caps (#19, bounded state): a longer row or cell is that row's error in the import report.
    IMPORT_MAX_ROW_BYTES: z.coerce
      .number()
      .int()
      .min(256)
      .default(8 * 1024),
    IMPORT_MAX_CELL_BYTES: z.coerce.number().int().min(64).default(1024),
    // How fast an import brings rows in (#21): at most IMPORT_CONCURRENCY at once; `adaptive` starts at
    // IMPORT_PACE_STEP rows a second and adds as many every half second while no workflow task waits
    // in the case queue longer than IMPORT_PACE_BACKLOG_MS, halving when one does, so caseworkers'
    // changes go first; `fixed`: unpaced.
    IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
    IMPORT_PACE: z.enum(['adaptive', 'fixed']).default('adaptive'),
    IMPORT_PACE_STEP: z.coerce.number().int().min(1).default(5),
    IMPORT_PACE_BACKLOG_MS: z.coerce.number().int().min(1).default(50),
    // `auto`: imported cases start as bulk work (the lowest task priority) and are set back to the
    // default once their first task has run, where the server can do the second (1.30 and later).
    // Off by default: measured, it did not shorten caseworkers' waits (imports/priority.ts).
    IMPORT_PRIORITY: z.enum(['auto', 'off']).default('off'),
    // `on`: new cases name their feature set in their input, no patch marker (workflows/features.ts).
    // `off` while upgrading from a version before named sets, until no worker of it runs
    // (docs/operations.md#deploying-a-new-version): an older worker would record a marker instead.
    NAME_CASE_FEATURES: z.enum(['on', 'off']).default('on'),
    RECONCILIATION_CRON: z
      .string()
      .regex(/^(off|(\S+\s+){4}\S+)$/, "a five-field cron expression, or 'off'")
      .default('0 2 * * *'),
    RECONCILIATION_TIMEZONE: z
      .string()
      .refine(
        (tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC',
        'an IANA time zone, e.g. Europe/London',
      )
      .default('Europe/London'),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
    // The reporting read model (#20, reporting store): an SQLite file the worker writes and the API
    // processes read (docs/reports.md); a projection, rebuilt from the histories by `npm run reporting:rebuild`.
    REPORTING_DB: z.string().min(1).default('data/reporting.sqlite'),
    // Set: the model lives in this PostgreSQL database instead (the cluster topology: workers and API
    // processes on several hosts; `npm run start:cluster` sets it to case_tracker_reporting).
    REPORTING_POSTGRES_URL: postgresUrl.optional(),
    // The access log (#19, access log part): who read or changed which case, kept outside the case
    // history, one append-only file per case (docs/operations.md#the-access-log).
    ACCESS_LOG_DIR: z.string().min(1).default('data/access-log'),
    /** 1: each batch of entries is fdatasync'ed before the answers wait on it; 0: in the OS page cache only. */
    ACCESS_LOG_FSYNC: z
      .enum(['0', '1', 'true', 'false'])
      .default('1')
      .transform((v) => v === '1' || v === 'true'),
    // #19, retention and metrics: how long a case lies dormant at a final exit before its workflow
    // completes and the namespace's retention starts (domain/retention.ts; default fifteen years, the
    // Home Office's "last action" period), and where the API serves its metrics (never the public port).
    RETENTION_DORMANCY_DAYS: z.coerce.number().int().positive().default(DEFAULT_POLICY.retentionDormancyDays!),
    API_METRICS_ADDRESS: z
      .string()
      .regex(/^(|(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5})$/, 'host:port, e.g. 127.0.0.1:9466, or empty for none')
      .default('127.0.0.1:9466'),
    // --- Personal data encrypted in Temporal (#19, the payload codec) ---
    /** Every key a history may still be encrypted under, `id:base64-of-32-bytes,…`. */
    PAYLOAD_KEYS: z.string().default(DEV_PAYLOAD_KEYS).transform(parsePayloadKeys),
    /** The id of the key new payloads are encrypted under: one of PAYLOAD_KEYS. */
    PAYLOAD_KEY_ID: z.string().min(1).default(DEV_PAYLOAD_KEY_ID),
    /** `off` only in local mode, for the benchmark's with-and-without comparison (bench/changes.ts --codec both). */
    PAYLOAD_ENCRYPTION: z.enum(['on', 'off']).default('on'),
    /**
     * Origins of the Temporal web UI allowed to call the API's codec routes from a browser, comma-separated.
     * Unset: in local mode the dev server's UI (localhost and 127.0.0.1 on TEMPORAL_UI_PORT); otherwise none.
     */
    TEMPORAL_UI_ORIGINS: z
      .string()
      .optional()
      .transform((v) => (v === undefined ? undefined : commaList(v)))
      .pipe(z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme://host[:port], no path')).optional()),
  })
  .refine((c) => minutesOfDay(c.POLICY_WARNING_TIME) + c.POLICY_WARNING_SPREAD_MINUTES <= 24 * 60, {
    message: 'the spread runs past midnight after POLICY_WARNING_TIME: a warning would fall on the next day',
    path: ['POLICY_WARNING_SPREAD_MINUTES'],
  })
  .refine((c) => !c.TEMPORAL_TLS_CERT === !c.TEMPORAL_TLS_KEY, {
    message: 'set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY together (a client certificate and its key)',
    path: ['TEMPORAL_TLS_KEY'],
  })
  .refine((c) => c.LOCAL_MODE || c.JWKS_URL || c.JWT_SECRET !== DEV_JWT_SECRET, {
    message: 'outside local mode (LOCAL_MODE=1) set JWKS_URL or a JWT_SECRET of your own; the dev default is public',
    path: ['JWT_SECRET'],
  })
  .refine((c) => c.PAYLOAD_KEY_ID in c.PAYLOAD_KEYS, {
    message: 'names no key of PAYLOAD_KEYS',
    path: ['PAYLOAD_KEY_ID'],
  })
  .refine((c) => c.LOCAL_MODE || !Object.values(c.PAYLOAD_KEYS).some((k) => k.equals(DEV_PAYLOAD_KEY)), {
    message: 'outside local mode (LOCAL_MODE=1) set keys of your own (openssl rand -base64 32); the dev key is public',
    path: ['PAYLOAD_KEYS'],
  })
  .refine((c) => c.LOCAL_MODE || c.PAYLOAD_ENCRYPTION === 'on', {
    message: 'personal data is stored in Temporal in clear with it off: only in local mode (LOCAL_MODE=1)',
    path: ['PAYLOAD_ENCRYPTION'],
  });

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof schema>, systems: z.infer<typeof systemsSchema>, calendarWarning: string | null) {
  const setting = (name: string) => systems[name] as string;
  return {
    env: env.NODE_ENV,
    /** Local mode: dev secrets, the dev sign-in and non-Secure cookies allowed. */
    local: env.LOCAL_MODE,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    temporal: {
      /** Unset: the start-up script runs a dev server on devPort and sets this. */
      address: env.TEMPORAL_ADDRESS || `127.0.0.1:${env.TEMPORAL_PORT}`,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      devPort: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      dbFile: env.TEMPORAL_DB,
      retentionDays: env.TEMPORAL_RETENTION_DAYS,
      /** Paths, read when connecting; TLS is on when any of them (or TEMPORAL_TLS=true, or an API key) is set. */
      tls: {
        enabled: env.TEMPORAL_TLS
          ? env.TEMPORAL_TLS === 'true'
          : Boolean(env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_CA || env.TEMPORAL_API_KEY),
        certPath: env.TEMPORAL_TLS_CERT,
        keyPath: env.TEMPORAL_TLS_KEY,
        caPath: env.TEMPORAL_TLS_CA,
        serverName: env.TEMPORAL_TLS_SERVER_NAME,
      },
      apiKey: env.TEMPORAL_API_KEY,
      cluster: { postgresUrl: env.TEMPORAL_POSTGRES_URL, historyShards: env.TEMPORAL_HISTORY_SHARDS },
      /** Visibility calls a second this process may send (and at once, after a quiet second). */
      visibilityPerSecond: env.TEMPORAL_VISIBILITY_RPS,
    },
    apiProcesses: env.API_PROCESSES,
    systems: perHttpSystem((_key, d) => setting(d.urlSetting)),
    /** The language each system is spoken to in, when configured (unset: its own where it has one). */
    formats: perHttpSystem((_key, d) =>
      d.formatSetting ? (systems[d.formatSetting] as WireFormatChoice | undefined) : undefined,
    ),
    webhookSecrets: perSource((_source, d) => setting(d.webhookSecretSetting!)),
    auth: {
      jwtSecret: env.JWT_SECRET,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      jwksUrl: env.JWKS_URL,
      jwksAlgorithms: env.JWT_ALGORITHMS,
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    /** The payload codec's keys (config/payload-codec.ts); null: off (local mode only). */
    payloadKeyring:
      env.PAYLOAD_ENCRYPTION === 'on'
        ? ({ currentKeyId: env.PAYLOAD_KEY_ID, keys: env.PAYLOAD_KEYS } satisfies PayloadKeyring)
        : null,
    /** Origins of the Temporal web UI that may call the codec routes from a browser (CORS). */
    temporalUiOrigins:
      env.TEMPORAL_UI_ORIGINS ??
      (env.LOCAL_MODE ? ['localhost', '127.0.0.1'].map((h) => `http://${h}:${env.TEMPORAL_UI_PORT}`) : []),
    reconciliation: { cron: env.RECONCILIATION_CRON, timezone: env.RECONCILIATION_TIMEZONE },
    imports: {
      dir: env.IMPORT_DIR,
      maxBytes: env.IMPORT_MAX_BYTES,
      csvLimits: { rowBytes: env.IMPORT_MAX_ROW_BYTES, cellBytes: env.IMPORT_MAX_CELL_BYTES },
      pace: {
        mode: env.IMPORT_PACE,
        concurrency: env.IMPORT_CONCURRENCY,
        step: env.IMPORT_PACE_STEP,
        backlogMs: env.IMPORT_PACE_BACKLOG_MS,
      },
      priority: env.IMPORT_PRIORITY,
    },
    /** Whether new cases name their feature set in their input (workflows/features.ts). */
    nameCaseFeatures: env.NAME_CASE_FEATURES === 'on',
    accessLog: { dir: env.ACCESS_LOG_DIR, fsync: env.ACCESS_LOG_FSYNC },
    /** The reporting read model: PostgreSQL when `postgresUrl` is set, else the SQLite file. */
    reporting: { dbFile: env.REPORTING_DB, postgresUrl: env.REPORTING_POSTGRES_URL },
    api: { updateTimeoutMs: env.UPDATE_TIMEOUT_MS, bodyLimit: env.BODY_LIMIT },
    workerMetricsAddress: env.WORKER_METRICS_ADDRESS,
    /** The worker's workflow cache, in cases; undefined: sized to its heap. */
    workerCachedWorkflows: env.WORKER_CACHED_WORKFLOWS,
    /** Workflow tasks the worker runs at once; undefined: the SDK's default. */
    workerWorkflowTaskSlots: env.WORKER_WORKFLOW_TASK_SLOTS,
    /** Where the API serves /metrics; empty: nowhere. Never the public port. */
    apiMetricsAddress: env.API_METRICS_ADDRESS,
    policy: {
      appealWindowDays: {
        inCountry: env.POLICY_APPEAL_WINDOW_DAYS,
        outOfCountry: env.POLICY_APPEAL_WINDOW_OUT_OF_COUNTRY_DAYS,
      },
      onwardAppealWindowDays: env.POLICY_ONWARD_APPEAL_WINDOW_DAYS,
      respondentEvidenceDays: env.POLICY_RESPONDENT_EVIDENCE_DAYS,
      respondentReviewDays: env.POLICY_RESPONDENT_REVIEW_DAYS,
      tribunal: {
        limitWeeks: env.POLICY_TRIBUNAL_LIMIT_WEEKS,
        warningWeeks: env.POLICY_TRIBUNAL_WARNING_WEEKS,
        warningTime: env.POLICY_WARNING_TIME,
        // Absent when 0, so the policy each change carries is as it was before.
        ...(env.POLICY_WARNING_SPREAD_MINUTES > 0 ? { warningSpreadMinutes: env.POLICY_WARNING_SPREAD_MINUTES } : {}),
        commencementDate: env.POLICY_COMMENCEMENT_DATE,
      },
      // Absent when none are configured, so the policy each change carries is as it was before.
      ...(env.BANK_HOLIDAYS_EXTRA.length > 0 ? { bankHolidays: env.BANK_HOLIDAYS_EXTRA } : {}),
      retentionDormancyDays: env.RETENTION_DORMANCY_DAYS,
    } satisfies Policy,
    /** The bank-holiday calendar ends within twelve months: the API and worker log this at start. */
    calendarWarning,
  };
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

/**
 * The configuration, or why there is none. `today` (a London date; tests pass one) decides whether
 * the bank-holiday calendar still covers the year: past its last year the processes refuse to start
 * rather than miscount deadlines (domain/working-days.ts, `calendarCheck`).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, today = londonDate(Date.now())): ConfigResult {
  const parsed = schema.safeParse(env);
  const systems = systemsSchema.safeParse(env);
  if (!parsed.success || !systems.success) {
    const lines = [...(parsed.error?.issues ?? []), ...(systems.error?.issues ?? [])].map(
      (i) => `  ${i.path.join('.')}: ${i.message}`,
    );
    return { ok: false, error: `Invalid configuration:\n${lines.join('\n')}` };
  }
  // Outside local mode a webhook secret left at its published dev value would let anyone forge that system's events.
  const devSecrets = Object.values(
    perSource((source, d) =>
      systems.data[d.webhookSecretSetting!] === DEV_WEBHOOK_SECRETS[source] ? d.webhookSecretSetting! : null,
    ),
  )
    .filter((setting): setting is string => setting !== null)
    .map(
      (setting) =>
        `  ${setting}: outside local mode (LOCAL_MODE=1) set a secret of your own; the dev default is public`,
    );
  if (!parsed.data.LOCAL_MODE && devSecrets.length > 0)
    return { ok: false, error: `Refusing to start:\n${devSecrets.join('\n')}` };
  const calendar = calendarCheck(today, bankHolidayCalendar(parsed.data.BANK_HOLIDAYS_EXTRA));
  if (!calendar.ok) return { ok: false, error: `Refusing to start:\n  BANK_HOLIDAYS_EXTRA: ${calendar.error}` };
  return { ok: true, config: toConfig(parsed.data, systems.data, calendar.warning ?? null) };
}

/** For process entry points: the config, or a clear message and exit 1. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  const result = loadConfig(env);
  if (!result.ok) {
    console.error(result.error);
    process.exit(1);
  }
  return result.config;
}
