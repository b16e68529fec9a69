/** One descriptor per external system: configuration, sources and reconciliation follow from it. */
import { describe, expect, it } from 'vitest';
import { DEV_WEBHOOK_SECRETS, loadConfig } from '../config/index.js';
import { newCaseState } from './domain-fixtures.js';
import {
  describeSystem,
  EXTERNAL_SYSTEMS,
  HTTP_SYSTEMS,
  REPORTING_SYSTEM,
  emptyOutbox,
  RECONCILED_SYSTEMS,
  SOURCES,
  SYSTEM_REGISTRY,
  SYSTEMS,
  systemOfSource,
} from '../domain/index.js';

describe('the registry of external systems', () => {
  it('has the reporting read model as a system without a URL, kept out of what a person sees', () => {
    expect(SYSTEMS).toContain(REPORTING_SYSTEM);
    expect(HTTP_SYSTEMS).toEqual(SYSTEMS.filter((k) => k !== REPORTING_SYSTEM));
    expect(EXTERNAL_SYSTEMS).not.toContain(REPORTING_SYSTEM);
  });

  it('names each system once, with its wire name, and the sources are the systems with a webhook secret', () => {
    expect(SYSTEMS).toEqual(Object.keys(SYSTEM_REGISTRY));
    expect(SOURCES).toEqual(
      SYSTEMS.filter((k) => describeSystem(k).webhookSecretSetting).map((k) => describeSystem(k).wire),
    );
    for (const s of SOURCES) expect(describeSystem(systemOfSource(s)).wire).toBe(s);
    expect(RECONCILED_SYSTEMS).toEqual(SYSTEMS.filter((k) => describeSystem(k).reconciled));
  });

  it("reads each system's URL and webhook secret from the settings its descriptor names", () => {
    const env = Object.fromEntries(
      HTTP_SYSTEMS.flatMap((k, i) => {
        const d = describeSystem(k);
        return [
          [d.urlSetting, `http://10.0.0.${i + 1}:8000`],
          ...(d.webhookSecretSetting ? [[d.webhookSecretSetting, `secret-of-${d.wire}-0123456789`]] : []),
        ];
      }),
    );
    const result = loadConfig({ LOCAL_MODE: '1', ...env });
    if (!result.ok) throw new Error(result.error);
    HTTP_SYSTEMS.forEach((k, i) => expect(result.config.systems[k]).toBe(`http://10.0.0.${i + 1}:8000`));
    for (const s of SOURCES) expect(result.config.webhookSecrets[s]).toBe(`secret-of-${s}-0123456789`);
    const defaults = loadConfig({ LOCAL_MODE: '1' });
    if (!defaults.ok) throw new Error(defaults.error);
    for (const k of HTTP_SYSTEMS) expect(defaults.config.systems[k]).toBe(describeSystem(k).defaultUrl);
    expect(defaults.config.webhookSecrets).toEqual(DEV_WEBHOOK_SECRETS);
    const bad = loadConfig({ [describeSystem(HTTP_SYSTEMS[0]!).urlSetting!]: 'not a url' });
    expect(!bad.ok && bad.error).toContain(describeSystem(HTTP_SYSTEMS[0]!).urlSetting!);
  });

  it('gives a new case a sync status and an empty queue for every system', () => {
    expect(Object.keys(newCaseState().sync).sort()).toEqual([...SYSTEMS].sort());
    expect(Object.keys(emptyOutbox()).sort()).toEqual([...SYSTEMS].sort());
  });
});
