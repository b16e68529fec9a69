/**
 * The cluster's server configuration as written from config/temporal-cluster.yaml, and the
 * PostgreSQL URL it is read from. The cluster itself runs under `npm run test:cluster`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { ROOT } from '../scripts/processes.js';
import { CLUSTER_PROCESSES, portsFrom, postgresOf, serverConfig, visibilityDatabase } from '../temporal/cluster.js';

describe('the cluster configuration', () => {
  const postgres = postgresOf('postgres://temporal:s%40cret@db.internal:6543/case_tracker_temporal');

  it('reads the PostgreSQL URL, and keeps visibility in a database of its own', () => {
    expect(postgres).toEqual({
      host: 'db.internal',
      port: 6543,
      user: 'temporal',
      password: 's@cret',
      database: 'case_tracker_temporal',
    });
    expect(visibilityDatabase(postgres)).toBe('case_tracker_temporal_visibility');
  });

  it('fills every value of the template: shards, both stores on postgres12, each service on its port', () => {
    const yaml = serverConfig(
      { dir: '/tmp/x', postgres, ports: portsFrom(7233), historyShards: 512 },
      '/tmp/x/config/dynamic.yaml',
    );
    expect(yaml).not.toMatch(/\$\{\w+\}/);
    expect(yaml).toContain('numHistoryShards: 512');
    expect(yaml.match(/pluginName: postgres12/g)).toHaveLength(2);
    expect(yaml).toContain('databaseName: "case_tracker_temporal_visibility"');
    expect(yaml).toContain('connectAddr: "db.internal:6543"');
    expect(yaml).toContain('rpc: { grpcPort: 7233, membershipPort: 6233');
    expect(yaml).toContain('rpc: { grpcPort: 7234, membershipPort: 6234');
    expect(yaml).toContain('rpcAddress: "127.0.0.1:7233"');
    expect(yaml).toContain('filepath: "/tmp/x/config/dynamic.yaml"');
  });

  it("gives the namespace a visibility limit that the cluster's processes, each at its default budget, stay under", () => {
    const dynamic = readFileSync(join(ROOT, 'config', 'temporal-cluster-dynamic.yaml'), 'utf8');
    const setting = (key: string) =>
      Number(new RegExp(`^${key.replace(/\./g, '\\.')}:\\s*\\n\\s*- value: ([\\d.]+)`, 'm').exec(dynamic)?.[1]);
    const limit = setting('frontend.globalNamespaceRPS.visibility');
    const config = loadConfig({ LOCAL_MODE: '1' });
    const perProcess = config.ok ? config.config.temporal.visibilityPerSecond : NaN;
    expect(perProcess * (CLUSTER_PROCESSES.apiProcesses + CLUSTER_PROCESSES.workers)).toBeLessThanOrEqual(limit);
    expect(setting('frontend.namespaceBurstRatio.visibility')).toBeGreaterThanOrEqual(1);
  });
});
