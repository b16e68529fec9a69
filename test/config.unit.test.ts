import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../config/index.js';
import { connectionOptions } from '../config/temporal.js';

describe('configuration', () => {
  it('takes the time of day warnings fall at, and refuses one that is not HH:MM naming the variable', () => {
    const ok = loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_TIME: '07:00' });
    expect(ok.ok && ok.config.policy.tribunal.warningTime).toBe('07:00');
    const bad = loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_TIME: '7am' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/POLICY_WARNING_TIME: a London time of day, HH:MM/);
    expect(loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_TIME: '24:00' }).ok).toBe(false);
  });

  it('takes the minutes warnings are spread over, absent from the policy at 0, refusing one that runs past midnight', () => {
    const none = loadConfig({ LOCAL_MODE: '1' });
    expect(none.ok).toBe(true);
    expect(none.ok && 'warningSpreadMinutes' in none.config.policy.tribunal).toBe(false);
    expect(none.ok && none.config.policy.tribunal.warningTime).toBe('00:00');
    const hour = loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_TIME: '07:00', POLICY_WARNING_SPREAD_MINUTES: '60' });
    expect(hour.ok && hour.config.policy.tribunal.warningSpreadMinutes).toBe(60);
    const late = loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_TIME: '23:30', POLICY_WARNING_SPREAD_MINUTES: '31' });
    expect(!late.ok && late.error).toMatch(/POLICY_WARNING_SPREAD_MINUTES: the spread runs past midnight/);
    expect(loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_TIME: '23:30', POLICY_WARNING_SPREAD_MINUTES: '30' }).ok).toBe(
      true,
    );
    expect(loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_SPREAD_MINUTES: '-1' }).ok).toBe(false);
    expect(loadConfig({ LOCAL_MODE: '1', POLICY_WARNING_SPREAD_MINUTES: 'an hour' }).ok).toBe(false);
  });

  it('names new cases’ feature sets unless NAME_CASE_FEATURES=off, refusing another value naming the variable', () => {
    const fallback = loadConfig({ LOCAL_MODE: '1' });
    expect(fallback.ok && fallback.config.nameCaseFeatures).toBe(true);
    const off = loadConfig({ LOCAL_MODE: '1', NAME_CASE_FEATURES: 'off' });
    expect(off.ok && off.config.nameCaseFeatures).toBe(false);
    const bad = loadConfig({ LOCAL_MODE: '1', NAME_CASE_FEATURES: 'yes' });
    expect(!bad.ok && bad.error).toMatch(/NAME_CASE_FEATURES/);
  });

  it('takes the language each system is spoken to in (unset: its own), refusing any other naming the variable', () => {
    const fallback = loadConfig({ LOCAL_MODE: '1' });
    expect(fallback.ok && fallback.config.formats).toEqual({
      homeOffice: undefined,
      courts: undefined,
      notifier: undefined,
    });
    const set = loadConfig({ LOCAL_MODE: '1', HOME_OFFICE_FORMAT: 'envelope', HMCTS_FORMAT: 'native' });
    expect(set.ok && set.config.formats).toMatchObject({ homeOffice: 'envelope', courts: 'native' });
    const bad = loadConfig({ LOCAL_MODE: '1', HOME_OFFICE_FORMAT: 'xml' });
    expect(!bad.ok && bad.error).toMatch(/HOME_OFFICE_FORMAT/);
  });

  it('puts the retention dormancy in the policy cases carry (fifteen years unless set), refusing one not whole days', () => {
    const fallback = loadConfig({ LOCAL_MODE: '1' });
    expect(fallback.ok && fallback.config.policy.retentionDormancyDays).toBe(5479);
    const set = loadConfig({ LOCAL_MODE: '1', RETENTION_DORMANCY_DAYS: '30' });
    expect(set.ok && set.config.policy.retentionDormancyDays).toBe(30);
    const bad = loadConfig({ LOCAL_MODE: '1', RETENTION_DORMANCY_DAYS: '0' });
    expect(!bad.ok && bad.error).toMatch(/RETENTION_DORMANCY_DAYS/);
  });

  it('serves the API metrics on an internal address (empty: none), refusing one that is not host:port', () => {
    const fallback = loadConfig({ LOCAL_MODE: '1' });
    expect(fallback.ok && fallback.config.apiMetricsAddress).toBe('127.0.0.1:9466');
    const none = loadConfig({ LOCAL_MODE: '1', API_METRICS_ADDRESS: '' });
    expect(none.ok && none.config.apiMetricsAddress).toBe('');
    const v6 = loadConfig({ LOCAL_MODE: '1', API_METRICS_ADDRESS: '[::1]:9466' });
    expect(v6.ok && v6.config.apiMetricsAddress).toBe('[::1]:9466');
    const bad = loadConfig({ LOCAL_MODE: '1', API_METRICS_ADDRESS: 'http://10.0.0.1/metrics' });
    expect(!bad.ok && bad.error).toMatch(/API_METRICS_ADDRESS: host:port/);
  });

  const configOf = (env: Record<string, string>): Config => {
    const r = loadConfig({ LOCAL_MODE: '1', ...env });
    if (!r.ok) throw new Error(r.error);
    return r.config;
  };
  const files = (path: string) => Buffer.from(`contents of ${path}`);

  it('connects in plain text to a local server, with mTLS to a cluster, and with an API key to Temporal Cloud', () => {
    expect(connectionOptions(configOf({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }), files)).toEqual({
      address: '127.0.0.1:7233',
    });
    expect(
      connectionOptions(
        configOf({
          TEMPORAL_ADDRESS: 'temporal.internal:7233',
          TEMPORAL_TLS_CERT: '/etc/t/client.pem',
          TEMPORAL_TLS_KEY: '/etc/t/client.key',
          TEMPORAL_TLS_CA: '/etc/t/ca.pem',
          TEMPORAL_TLS_SERVER_NAME: 'temporal',
        }),
        files,
      ),
    ).toEqual({
      address: 'temporal.internal:7233',
      tls: {
        serverNameOverride: 'temporal',
        serverRootCACertificate: files('/etc/t/ca.pem'),
        clientCertPair: { crt: files('/etc/t/client.pem'), key: files('/etc/t/client.key') },
      },
    });
    expect(
      connectionOptions(
        configOf({
          TEMPORAL_ADDRESS: 'eu-west-2.aws.api.temporal.io:7233',
          TEMPORAL_NAMESPACE: 'cases.a1b2c',
          TEMPORAL_API_KEY: 'key-123',
        }),
        files,
      ),
    ).toEqual({ address: 'eu-west-2.aws.api.temporal.io:7233', tls: true, apiKey: 'key-123' });
  });

  it('adds the bank holidays BANK_HOLIDAYS_EXTRA lists to the policy, and refuses one that is not a real date', () => {
    const ok = loadConfig(
      { LOCAL_MODE: '1', BANK_HOLIDAYS_EXTRA: '2031-04-14, 2031-01-01,2031-04-11,2031-01-01' },
      '2026-12-01',
    );
    expect(ok.ok && ok.config.policy.bankHolidays).toEqual(['2031-01-01', '2031-04-11', '2031-04-14']);
    const none = loadConfig({ LOCAL_MODE: '1' }, '2026-12-01');
    expect(none.ok && 'bankHolidays' in none.config.policy).toBe(false);
    const bad = loadConfig({ LOCAL_MODE: '1', BANK_HOLIDAYS_EXTRA: '2031-01-01,2031-02-30,31/12/2031' }, '2026-12-01');
    expect(!bad.ok && bad.error).toMatch(/BANK_HOLIDAYS_EXTRA: comma-separated real dates, YYYY-MM-DD/);
    expect(!bad.ok && bad.error).toMatch(/not dates: 2031-02-30, 31\/12\/2031/);
  });

  it("refuses to start once today is past the bank-holiday calendar's last year, and warns through that year", () => {
    const now = loadConfig({ LOCAL_MODE: '1' }, '2026-12-01');
    expect(now.ok && now.config.calendarWarning).toBeNull();
    const past = loadConfig({ LOCAL_MODE: '1' }, '2031-01-02');
    expect(!past.ok && past.error).toMatch(
      /^Refusing to start:\n {2}BANK_HOLIDAYS_EXTRA: The bank-holiday calendar ended/,
    );
    const warned = loadConfig({ LOCAL_MODE: '1' }, '2030-07-01');
    expect(warned.ok && warned.config.calendarWarning).toMatch(/ends on 31 December 2030, 183 days from today/);
    // A deployment that adds the next year's dates moves the last year on.
    const next = loadConfig({ LOCAL_MODE: '1', BANK_HOLIDAYS_EXTRA: '2031-01-01,2031-04-11,2031-04-14' }, '2031-01-02');
    expect(next.ok && next.config.calendarWarning).toMatch(/ends on 31 December 2031/);
  });

  it('keeps the reporting model in the SQLite file unless REPORTING_POSTGRES_URL names a database, refusing a bad one', () => {
    const sqlite = loadConfig({ LOCAL_MODE: '1', REPORTING_DB: '/var/lib/tracker/reporting.sqlite' });
    expect(sqlite.ok && sqlite.config.reporting).toEqual({
      dbFile: '/var/lib/tracker/reporting.sqlite',
      postgresUrl: undefined,
    });
    const url = 'postgres://reporting:s%40cret@db.internal:6543/case_tracker_reporting';
    const pg = loadConfig({ LOCAL_MODE: '1', REPORTING_POSTGRES_URL: url });
    expect(pg.ok && pg.config.reporting.postgresUrl).toBe(url);
    for (const bad of ['mysql://db/reporting', 'postgres://db/', 'postgres://db/case-tracker', 'not a url']) {
      const r = loadConfig({ LOCAL_MODE: '1', REPORTING_POSTGRES_URL: bad });
      expect(!r.ok && r.error, bad).toMatch(/REPORTING_POSTGRES_URL: /);
    }
  });

  it('refuses a client certificate without its key, naming the variable', () => {
    const r = loadConfig({ LOCAL_MODE: '1', TEMPORAL_TLS_CERT: '/etc/t/client.pem' });
    expect(!r.ok && r.error).toMatch(/TEMPORAL_TLS_KEY: set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY together/);
  });
});

describe('outside local mode (fail closed)', () => {
  const own = {
    JWT_SECRET: 'a-secret-of-our-own-0123456789abcdef-xyz',
    HMCTS_WEBHOOK_SECRET: 'hmcts-secret-of-our-own-0123',
    HOME_OFFICE_WEBHOOK_SECRET: 'home-office-secret-of-our-own-0123',
    PAYLOAD_KEYS: `2026-01:${Buffer.alloc(32, 7).toString('base64')}`,
    PAYLOAD_KEY_ID: '2026-01',
  };

  it('refuses the published dev JWT secret, naming the setting', () => {
    const r = loadConfig({ ...own, JWT_SECRET: undefined });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/JWT_SECRET: outside local mode/);
  });

  it.each(['HMCTS_WEBHOOK_SECRET', 'HOME_OFFICE_WEBHOOK_SECRET'])('refuses the dev %s, naming it', (setting) => {
    const r = loadConfig({ ...own, [setting]: undefined });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(`${setting}: outside local mode`);
  });

  it('with secrets of its own starts in production: no dev sign-in, Secure cookies, bound where configured', () => {
    const r = loadConfig({ ...own, HOST: '10.0.0.7' });
    expect(r.ok && { local: r.config.local, host: r.config.host }).toEqual({ local: false, host: '10.0.0.7' });
  });

  it('NODE_ENV does not switch it: only LOCAL_MODE=1 allows the dev secrets', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).ok).toBe(false);
    const local = loadConfig({ LOCAL_MODE: '1' });
    expect(local.ok && local.config.local).toBe(true);
  });

  it('a production start of the API with a dev secret exits non-zero, naming it', () => {
    const env = { ...process.env, ...own, LOCAL_MODE: '0', JWT_SECRET: '' };
    delete (env as Record<string, string | undefined>).JWT_SECRET;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/JWT_SECRET: outside local mode/);
  });
});
