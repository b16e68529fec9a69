/**
 * Erasing a case from Temporal: every run of its workflow (following continue-as-new back to the
 * first, and any other run visibility still lists under its id) deleted with DeleteWorkflowExecution,
 * the running one first (the server terminates it, then deletes it). The server deletes a run's
 * history, mutable state and visibility record (its search attributes) in the background, so this
 * waits until neither a describe nor a visibility search finds any run, or the deadline passes.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';

export interface Erased {
  /** Runs deleted (the chain of continue-as-new and any other run listed under the id). */
  runs: number;
  /** Whether Temporal had finished: no run described, none in visibility, by the deadline. */
  gone: boolean;
}

const POLL_MS = 200;

export async function eraseWorkflow(client: Client, workflowId: string, deadlineMs: number): Promise<Erased> {
  const namespace = client.options.namespace;
  const deleted = new Set<string>();
  const until = Date.now() + deadlineMs;
  for (;;) {
    const runs = await runsOf(client, workflowId);
    // Newest first: the running one stops before the runs it continued from go.
    for (const runId of runs.filter((r) => !deleted.has(r)))
      await ignoreNotFound(
        client.workflowService.deleteWorkflowExecution({ namespace, workflowExecution: { workflowId, runId } }),
      ).then(() => deleted.add(runId));
    if (runs.length === 0) return { runs: deleted.size, gone: true };
    if (Date.now() >= until) return { runs: deleted.size, gone: false };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Every run still there, newest first: the continue-as-new chain from the latest, then what visibility lists. */
async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const namespace = client.options.namespace;
  const chain: string[] = [];
  let runId = await ignoreNotFound(
    client.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.runId),
  );
  while (runId && !chain.includes(runId)) {
    chain.push(runId);
    const first = await ignoreNotFound(
      client.workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId, runId },
        maximumPageSize: 1,
      }),
    );
    runId = first?.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  const listed: string[] = [];
  // Quoted safely: a workflow id here is a prefix and a checked case id.
  for await (const e of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    if (!chain.includes(e.runId)) listed.push(e.runId);
  return [...chain, ...listed];
}

/** The call's answer, or undefined when Temporal says there is no such workflow (any more). */
async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    if (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND) return undefined;
    if ((err as { cause?: unknown }).cause && isGrpcServiceError((err as { cause: unknown }).cause))
      if (((err as { cause: { code: number } }).cause.code as number) === grpcStatus.NOT_FOUND) return undefined;
    throw err;
  }
}
