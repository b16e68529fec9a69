/**
 * Workflow histories recorded from real runs into test/fixtures/, replayed by replay.test.ts
 * against the current workflow code so that a non-deterministic change fails the build.
 * Record (or refresh) them with `npm run fixtures:record`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { caseWorkflowId } from '../workflows/messages.js';

// Binary protobuf: the JSON helpers trip over two protobufjs copies in the SDK's tree.
const { History } = proto.temporal.api.history.v1;

export const FIXTURES_DIR = new URL('./fixtures/', import.meta.url).pathname;
const recording = process.env.RECORD_FIXTURES === '1';
/**
 * Each set is named for the code that recorded it and kept when newer code records its own:
 * v1 (before statutory clocks) proves runs recorded then still replay; v2 has clocks; v3 has the
 * tribunal's rules (deadline days, late appeals, hearings that move, appeals that end, held events
 * applied or dismissed), recorded by test/appeal-paths.test.ts, and the onward chain, dated cohort
 * facts, the tribunal's flag, further submissions and judicial review (`chain-*`), recorded by
 * test/chain-cohort.test.ts. `v3-chain-flag-removed-before-attributes-were` is kept from the code
 * before a lost 24-week clock's search attributes were removed, and is not recorded again. v4 is
 * the code with retention, bounded state and the reporting projection, whose deliveries still ran
 * one loop per system (before the `ordered-sync` patch): recorded by lifecycle, appeal-paths and
 * sync-reliability. v5: deliveries by one coroutine (`ordered-sync`), recorded by lifecycle and
 * sync-reliability before the reporting messages carried the duty's facts and the assignee. v6:
 * the reporting model told when a rejection turns a case's sync-failure flag
 * (`reporting-sync-status`: v6-sync-4 has one), recorded by sync-reliability. v7: every feature
 * under one `features-2026-12` marker and the dormant loop's timer kept across changes, recorded by
 * lifecycle and sync-reliability. v8: the reporting model's deliveries made within the workflow
 * task (local activities, `features-2026-12-reporting-here`), recorded by lifecycle and
 * sync-reliability. v9: every system's deliveries tried within the workflow task first
 * (`features-2026-12-every-system-here`), recorded by lifecycle and sync-reliability. v10: every
 * system's tries of a task in one local activity (`features-2026-12-tries-together`), recorded by
 * lifecycle and sync-reliability. v11: one search-attribute upsert per task, after its tries
 * (`features-2026-12-one-upsert`), recorded by lifecycle and sync-reliability. v12: the features
 * named in the run's input, no patch marker (workflows/features.ts), recorded by lifecycle and
 * sync-reliability. v13: an imported case's limits already owed applied in its first task, without
 * a timer (`features-2026-12-due-at-once`), recorded by lifecycle and sync-reliability; and the code since.
 */
const SET = 'v13';

/** When recording: saves every run of the case's workflow as `<name>[.runN].json`. */
export async function recordFixture(client: Client, caseId: string, name: string): Promise<void> {
  if (!recording) return;
  const handle = client.workflow.getHandle(caseWorkflowId(caseId));
  const runs: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${caseWorkflowId(caseId)}'` }))
    runs.push(execution.runId);
  runs.reverse(); // oldest first
  for (const [i, runId] of runs.entries()) {
    const history = await client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    // A run caught just after continue-as-new, before its first task, has nothing to replay (and the replayer waits for ever).
    if (!history.events?.some((e) => e.workflowTaskCompletedEventAttributes)) continue;
    writeFileSync(
      join(FIXTURES_DIR, `${SET}-${name}${runs.length > 1 ? `.run${i + 1}` : ''}.pb`),
      History.encode(history).finish(),
    );
  }
}

export function loadFixtures() {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.pb'))
    .sort()
    .map((f) => ({ workflowId: f.replace(/\.pb$/, ''), history: History.decode(readFileSync(join(FIXTURES_DIR, f))) }));
}

/** When recording: every case a test stack opened, named `<prefix>-<n>`. */
export async function recordFixtures(stack: { client: Client; opened: string[] }, prefix: string): Promise<void> {
  for (const [i, caseId] of stack.opened.entries()) await recordFixture(stack.client, caseId, `${prefix}-${i + 1}`);
}
