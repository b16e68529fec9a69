/**
 * Temporal's web UI in a real browser reads an encrypted case through the API's codec (#19): a
 * supervisor signed in to the pages opens the case's workflow in the UI and sees the person's
 * name; the UI without the codec shows none. Runs on a dev server of its own with the UI on (the
 * run's shared server is headless). The UI's codec setting is the one a user makes once in its
 * "Data Encoder" dialog (the dev server cannot turn on credentials itself), set here in the
 * browser's storage as that dialog stores it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { type Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../temporal/cli.js';
import { prepareNamespace, startDevServer, type DevServer } from '../temporal/server.js';
import { caseWorkflowId } from '../workflows/messages.js';
import { startStack, type Stack } from './harness.js';
import { freePort } from './ports.js';

const NAMESPACE = 'asylum-cases-ui';
const dir = mkdtempSync(join(tmpdir(), 'case-tracker-ui-'));
let server: DevServer;
let uiPort: number;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  const cli = await resolveTemporalCli({ env: { ...process.env, TEMPORAL_ADDRESS: '' } });
  if (!cli.ok || cli.value.kind !== 'binary') throw new Error(cli.ok ? 'no Temporal CLI binary' : cli.error);
  uiPort = await freePort();
  server = await startDevServer({
    cli: cli.value.path,
    dbFile: join(dir, 'temporal.sqlite'),
    port: await freePort(),
    uiPort,
    logFile: join(dir, 'temporal.log'),
    namespaces: [NAMESPACE],
  });
  const admin = await Connection.connect({ address: server.address });
  await prepareNamespace(admin, NAMESPACE, 1);
  await admin.close();
  stack = await startStack({
    env: {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_UI_ORIGINS: `http://localhost:${uiPort}`,
    },
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Temporal's web UI", () => {
  it('shows a supervisor signed in to the pages the name it holds encrypted; a caseworker, or without the codec, not', async () => {
    const name = `Zéphyrine UI-${Date.now()}`;
    const caseId = await stack.openCase({ person: { name, dateOfBirth: '1987-11-23', nationality: 'SYR' } });
    const apiOrigin = `http://localhost:${new URL(stack.baseUrl).port}`;
    const uiOrigin = `http://localhost:${uiPort}`;
    const { runId } = await stack.client.workflow.getHandle(caseWorkflowId(caseId)).describe();
    const workflowPage = `${uiOrigin}/namespaces/${NAMESPACE}/workflows/${caseWorkflowId(caseId)}/${runId}/history`;

    // Without the codec: the UI has the payload, not the name.
    const plain = await (await browser.newContext()).newPage();
    await plain.goto(workflowPage);
    // Its input card shows the payload as stored: the key id in its metadata, the data sealed.
    await expect.poll(() => plain.innerText('body'), { timeout: 30_000 }).toContain('encryption-key-id');
    expect(await plain.innerText('body')).not.toContain(name);

    // Signed in to the pages in a role, with the UI's codec setting made (in the browser, as a
    // script, so this file needs no DOM types; on the UI's origin only).
    const settings = {
      endpoint: `${apiOrigin}/codec`,
      includeCredentials: true,
      overrideRemoteCodecConfiguration: true,
    };
    async function uiAs(role: 'Supervisor' | 'Caseworker') {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${apiOrigin}/app`);
      await expect.poll(() => page.url()).toContain('/app/sign-in');
      await page.getByLabel(role, { exact: true }).check();
      await page.getByLabel('User name').fill(role.toLowerCase());
      await page.getByRole('button', { name: 'Sign in' }).click();
      await context.addInitScript({
        content: `if (location.origin === ${JSON.stringify(uiOrigin)}) for (const [k, v] of Object.entries(${JSON.stringify(settings)})) localStorage.setItem(k, JSON.stringify(v));`,
      });
      const decode = page.waitForResponse((r) => r.url() === `${apiOrigin}/codec/decode`);
      await page.goto(workflowPage);
      return { page, decodeStatus: (await decode).status() };
    }
    const { page: supervisor, decodeStatus } = await uiAs('Supervisor');
    expect(decodeStatus).toBe(200);
    await expect.poll(() => supervisor.innerText('body'), { timeout: 30_000 }).toContain(name);
    expect(await supervisor.innerText('body')).not.toContain('encryption-key-id');

    // A caseworker's decode is refused (403): the UI keeps showing the payload sealed.
    const { page: caseworker, decodeStatus: refused } = await uiAs('Caseworker');
    expect(refused).toBe(403);
    await expect.poll(() => caseworker.innerText('body'), { timeout: 30_000 }).toContain('encryption-key-id');
    expect(await caseworker.innerText('body')).not.toContain(name);
  });
});
