/**
 * `NAME_CASE_FEATURES` through the API: on (the default), a case opened over HTTP names its
 * feature set in its input and records no patch marker; off (while upgrading from a version before
 * named sets, docs/operations.md), it names none and records the marker as older code did.
 */
import { describe, expect, it } from 'vitest';
import { decode, decodeEvents } from '../history/read.js';
import { caseStateQuery, caseWorkflowId, NEWEST_FEATURES, type CaseWorkflowInput } from '../workflows/messages.js';
import { extraApi, newCaseBody, useStack, type Stack } from './harness.js';

const stack = useStack();

/** Opens a case through `url`'s API and reads back its input and markers, once its first task has run. */
async function openedThrough(s: Stack, url: string) {
  const token = await s.token('caseworker');
  const res = await fetch(`${url}/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(newCaseBody()),
  });
  expect(res.status).toBe(201);
  const { caseId } = (await res.json()) as { caseId: string };
  const handle = s.client.workflow.getHandle(caseWorkflowId(caseId));
  await handle.query(caseStateQuery); // answered once the first task has run
  const events = (await handle.fetchHistory()).events ?? [];
  await decodeEvents(events, s.client.options.loadedDataConverter.payloadCodecs);
  return {
    input: decode<CaseWorkflowInput>(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]),
    markers: events.map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean),
  };
}

describe('NAME_CASE_FEATURES', () => {
  it('on (the default): the API names the newest set, and the case records no patch marker', async () => {
    const { input, markers } = await openedThrough(stack, stack.baseUrl);
    expect(input?.features).toBe(NEWEST_FEATURES);
    expect(markers).not.toContain('core_patch');
  });

  it('off: the API names none, and the case decides by its patch marker as older code did', async () => {
    const api = await extraApi(stack, { nameCaseFeatures: false });
    try {
      const { input, markers } = await openedThrough(stack, api.url);
      expect(input).toBeDefined();
      expect(input?.features).toBeUndefined();
      expect(markers).toContain('core_patch');
    } finally {
      await api.close();
    }
  });
});
