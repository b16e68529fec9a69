/**
 * The external systems a case is delivered to, one descriptor each: everything else that names a
 * system (the case's sync state, the outbox, configuration, the webhook routes, reconciliation,
 * start-up, the reference systems and the test harness) is derived from this table. Adding a
 * system is one descriptor here, one adapter and its reference implementation.
 *
 * A system has two names, both fixed by the contract: its `key` in the case (`sync.courts`) and its
 * `wire` name in URLs and webhooks (`/integrations/hmcts/events`). The descriptor ties them.
 */
export interface SystemDescriptor {
  /** What people call it. */
  name: string;
  /** Its name in URLs, webhook routes, secrets' and stores' names. */
  wire: string;
  /**
   * The environment variable holding its base URL, and the local default (the reference system).
   * Absent: the system lives in the worker itself (the reporting read model), reached without HTTP.
   */
  urlSetting?: string;
  defaultUrl?: string;
  /**
   * The variable choosing the language it is spoken to in (`WIRE_FORMATS`): its own, or our envelope.
   * Absent: always our envelope (the notifier, which is ours).
   */
  formatSetting?: string;
  /** Reports events of its own by signed webhook: the variable holding the shared secret. */
  webhookSecretSetting?: string;
  /** Keeps a record of the case that nightly reconciliation compares with ours. */
  reconciled: boolean;
}

export const SYSTEM_REGISTRY = {
  homeOffice: {
    name: 'Home Office',
    wire: 'home-office',
    urlSetting: 'HOME_OFFICE_URL',
    defaultUrl: 'http://127.0.0.1:4001',
    formatSetting: 'HOME_OFFICE_FORMAT',
    webhookSecretSetting: 'HOME_OFFICE_WEBHOOK_SECRET',
    reconciled: true,
  },
  courts: {
    name: 'HMCTS',
    wire: 'hmcts',
    urlSetting: 'HMCTS_URL',
    defaultUrl: 'http://127.0.0.1:4002',
    formatSetting: 'HMCTS_FORMAT',
    webhookSecretSetting: 'HMCTS_WEBHOOK_SECRET',
    reconciled: true,
  },
  // Passes escalation notices on; keeps no record of cases and reports nothing.
  notifier: {
    name: 'Notifier',
    wire: 'notifier',
    urlSetting: 'NOTIFIER_URL',
    defaultUrl: 'http://127.0.0.1:4003',
    reconciled: false,
  },
  // The reporting read model (#20): hears of every change, in order and once, like the others; it
  // lives in the worker (no URL, no reference system) and is the tracker's own, so it is not part of
  // the case's `sync` answer nor its timeline (an internal projection a caseworker cannot chase).
  reporting: {
    name: 'Reporting',
    wire: 'reporting',
    reconciled: false,
  },
} as const satisfies Record<string, SystemDescriptor>;

/**
 * The languages a system can be spoken to in: `native`, its own (integrations/formats.ts has the
 * systems that have one), or `envelope`, the tracker's own message (docs/integration.md).
 */
export const WIRE_FORMATS = ['native', 'envelope'] as const;
export type WireFormatChoice = (typeof WIRE_FORMATS)[number];

type Registry = typeof SYSTEM_REGISTRY;
export type System = keyof Registry;
export const SYSTEMS = Object.keys(SYSTEM_REGISTRY) as System[];

/** Systems reached over HTTP at a configured URL (each has a reference implementation under systems/). */
export type HttpSystem = { [K in System]: Registry[K] extends { urlSetting: string } ? K : never }[System];
export const HTTP_SYSTEMS = SYSTEMS.filter((k): k is HttpSystem => 'urlSetting' in SYSTEM_REGISTRY[k]);
/** Systems a person sees on a case (its `sync` answer and timeline): every one but the tracker's own projection. */
export type ExternalSystem = Exclude<System, 'reporting'>;
export const EXTERNAL_SYSTEMS = SYSTEMS.filter((k): k is ExternalSystem => k !== 'reporting');
/** The system that hears of every change, whatever the event's own recipients. */
export const REPORTING_SYSTEM = 'reporting' satisfies System;

/** Systems that report events by webhook, by their wire names (the `source` of an inbound event). */
export type Source = {
  [K in System]: Registry[K] extends { webhookSecretSetting: string } ? Registry[K]['wire'] : never;
}[System];
export const SOURCES = SYSTEMS.flatMap((k) =>
  'webhookSecretSetting' in SYSTEM_REGISTRY[k] ? [SYSTEM_REGISTRY[k].wire as Source] : [],
);

export type ReconciledSystem = { [K in System]: Registry[K]['reconciled'] extends true ? K : never }[System];
export const RECONCILED_SYSTEMS = SYSTEMS.filter((k): k is ReconciledSystem => SYSTEM_REGISTRY[k].reconciled);

/** The system a webhook source is. */
export const systemOfSource = (source: Source): System => SYSTEMS.find((k) => SYSTEM_REGISTRY[k].wire === source)!;
export const describeSystem = (system: System): SystemDescriptor => SYSTEM_REGISTRY[system];
/** One value per system, built from its descriptor. */
export const perSystem = <V>(make: (system: System, d: SystemDescriptor) => V): Record<System, V> =>
  Object.fromEntries(SYSTEMS.map((k) => [k, make(k, SYSTEM_REGISTRY[k])])) as Record<System, V>;
/** One value per system reached over HTTP, built from its descriptor. */
export const perHttpSystem = <V>(
  make: (system: HttpSystem, d: SystemDescriptor & { urlSetting: string; defaultUrl: string }) => V,
): Record<HttpSystem, V> =>
  Object.fromEntries(
    HTTP_SYSTEMS.map((k) => [
      k,
      make(k, SYSTEM_REGISTRY[k] as SystemDescriptor & { urlSetting: string; defaultUrl: string }),
    ]),
  ) as Record<HttpSystem, V>;
/** One value per reporting system, keyed by its wire name. */
export const perSource = <V>(make: (source: Source, d: SystemDescriptor) => V): Record<Source, V> =>
  Object.fromEntries(SOURCES.map((s) => [s, make(s, SYSTEM_REGISTRY[systemOfSource(s)])])) as Record<Source, V>;
