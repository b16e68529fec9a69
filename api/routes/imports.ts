/**
 * Spreadsheet imports: upload a CSV (as the body, or a multipart form's file), get an import id
 * at once, watch its progress. The file is streamed to the import folder the worker reads; the
 * import itself is a workflow, so a restart of this process loses nothing once 202 is answered.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { z } from '../zod.js';
import type { Policy } from '../../domain/index.js';
import { uploadPath } from '../../imports/files.js';
import { TEMPLATE } from '../../imports/format.js';
import type { ImportReport } from '../../imports/report.js';
import {
  importProgressQuery,
  importWorkflowId,
  IMPORT_WORKFLOW_TYPE,
  type ImportInput,
} from '../../workflows/messages.js';
import { deadlineFor } from '../deadline.js';
import { HttpProblem, problem } from '../problem.js';
import { route, type Route } from '../route.js';

export interface ImportDeps {
  client: Client;
  taskQueue: string;
  importDir: string;
  maxBytes: number;
  policy: Policy;
  timeoutMs: number;
}

const IMPORT_ID = /^imp-[a-z0-9]{20}(-run)?$/;
const idParam = z.object({ importId: z.string().openapi({ example: 'imp-3f9c2a1b7d4e' }) });
const uploadQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  fileName: z.string().min(1).max(200).optional(),
});

const count = z.number().int();
export const importReportSchema = z
  .object({
    importId: z.string(),
    file: z.string(),
    dryRun: z.boolean(),
    phase: z.enum(['validating', 'importing', 'done']),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    rows: count,
    accepted: count,
    rejected: count,
    processed: count,
    outcomes: z.object({ created: count, updated: count, unchanged: count, conflict: count }),
    rejections: z.array(z.object({ row: count, field: z.string(), reason: z.string() })),
    rejectionsTruncated: z.boolean(),
    possibleDuplicates: z.array(z.object({ row: count, sameAs: count, reason: z.string() })),
    conflicts: z.array(z.object({ row: count, reason: z.string() })),
    notes: z.array(z.object({ row: count, note: z.string() })),
    ignoredColumns: z.array(z.string()),
    failure: z
      .object({ step: z.enum(['validating', 'importing']), reason: z.string() })
      .optional()
      .openapi({
        description:
          'Set when the import stopped short: the step that gave up after its bounded attempts, and why (rows brought in before it stay in)',
      }),
  })
  .openapi('ImportReport');
type Assert<T extends true> = T;
export type _ImportReportMatches = Assert<ImportReport extends z.infer<typeof importReportSchema> ? true : false>;

/** Counts bytes on their way to disk and stops the upload past the limit. */
function limited(maxBytes: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes)
        done(new HttpProblem(problem(413, 'body-too-large', `The file is larger than ${maxBytes} bytes.`)));
      else done(null, chunk);
    },
  });
}

/** The uploaded file as a stream and its name, from a CSV body or a multipart form's first file. */
function uploadedFile(req: Request): Promise<{ stream: Readable; name?: string }> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv' || type === 'application/csv' || type === 'text/plain')
    return Promise.resolve({ stream: req });
  if (type !== 'multipart/form-data') {
    return Promise.reject(
      new HttpProblem(
        problem(
          415,
          'unsupported-media-type',
          'Send the spreadsheet as text/csv, or as multipart/form-data with a file field.',
        ),
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const form = busboy({ headers: req.headers, limits: { files: 1 } });
    form.once('file', (_field, stream, info) => resolve({ stream, name: info.filename }));
    form.once('error', reject);
    form.once('close', () =>
      reject(
        new HttpProblem(
          problem(400, 'no-file', 'The form carried no file.', { errors: [{ field: 'file', message: 'is required' }] }),
        ),
      ),
    );
    req.pipe(form);
  });
}

export function importRoutes(deps: ImportDeps): Route[] {
  const { client } = deps;
  const within = deadlineFor(client, deps.timeoutMs);

  async function reportOf(importId: string): Promise<ImportReport> {
    const handle = client.workflow.getHandle(importWorkflowId(importId));
    try {
      const { status } = await handle.describe();
      if (status.name === 'COMPLETED') return (await handle.result()) as ImportReport;
      return await handle.query(importProgressQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new HttpProblem(problem(404, 'import-not-found', `No import ${importId}.`));
      throw err;
    }
  }

  return [
    route<z.infer<typeof uploadQuery>>({
      method: 'post',
      path: '/imports',
      summary: 'Import a spreadsheet of cases (CSV body, or multipart with a file); dryRun=true validates only',
      tags: ['imports'],
      roles: ['supervisor'],
      query: uploadQuery,
      headers: z.object({
        'idempotency-key': z
          .string()
          .optional()
          .openapi({ description: 'The same key answers with the same import instead of starting another' }),
      }),
      rawBody: {
        'text/csv': { schema: z.string() },
        'multipart/form-data': { schema: z.object({ file: z.string().openapi({ format: 'binary' }) }) },
      },
      responses: {
        202: {
          description: 'Accepted; GET the Location for progress and the report',
          content: {
            'application/json': { schema: z.object({ importId: z.string(), phase: z.string(), location: z.string() }) },
          },
        },
        413: { description: 'File larger than IMPORT_MAX_BYTES' },
        415: { description: 'Neither CSV nor multipart' },
      },
      async handler({ query, principal }, req, res) {
        const key = req.get('idempotency-key');
        const importId = `imp-${key ? createHash('sha256').update(`${principal!.sub}:${key}`).digest('hex').slice(0, 20) : randomUUID().replace(/-/g, '').slice(0, 20)}`;
        const location = `/imports/${importId}`;
        const answer = () => void res.status(202).location(location).json({ importId, phase: 'validating', location });
        if (
          key &&
          (await within(() =>
            client.workflow
              .getHandle(importWorkflowId(importId))
              .describe()
              .then(
                () => true,
                (e) => (e instanceof WorkflowNotFoundError ? false : Promise.reject(e)),
              ),
          ))
        ) {
          req.resume(); // the same request again: the upload is already stored
          return answer();
        }
        const { stream, name } = await uploadedFile(req);
        await mkdir(deps.importDir, { recursive: true });
        const target = uploadPath(deps.importDir, importId);
        const partial = `${target}.part`;
        try {
          await pipeline(stream, limited(deps.maxBytes), createWriteStream(partial));
          await rename(partial, target); // the worker only ever sees a complete file
        } catch (err) {
          await rm(partial, { force: true });
          req.resume();
          throw err;
        }
        const input: ImportInput = {
          importId,
          file: query.fileName ?? name ?? 'upload.csv',
          dryRun: query.dryRun,
          by: principal!.sub,
          policy: deps.policy,
        };
        try {
          await within(() =>
            client.workflow.start(IMPORT_WORKFLOW_TYPE, {
              workflowId: importWorkflowId(importId),
              taskQueue: deps.taskQueue,
              args: [input],
            }),
          );
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        answer();
      },
    }),
    route({
      method: 'post',
      path: '/imports/:importId/run',
      summary: 'Import for real the file a dry run checked (a new import of the same stored file)',
      tags: ['imports'],
      roles: ['supervisor'],
      params: idParam,
      responses: {
        202: {
          description: 'Started',
          content: {
            'application/json': { schema: z.object({ importId: z.string(), phase: z.string(), location: z.string() }) },
          },
        },
        404: { description: 'No such dry run' },
      },
      async handler({ params, principal }, _req, res) {
        const checked = IMPORT_ID.test(params.importId ?? '')
          ? await within(() => reportOf(params.importId!))
          : undefined;
        if (!checked?.dryRun || checked.phase !== 'done')
          throw new HttpProblem(problem(404, 'import-not-found', `No finished dry run ${params.importId}.`));
        // The run is named after the dry run: confirming twice starts one import.
        const importId = `${params.importId}-run`;
        await copyFile(uploadPath(deps.importDir, params.importId!), uploadPath(deps.importDir, importId)).catch(() => {
          throw new HttpProblem(
            problem(404, 'import-not-found', `The file of dry run ${params.importId} is no longer kept.`),
          );
        });
        const input: ImportInput = {
          importId,
          file: checked.file,
          dryRun: false,
          by: principal!.sub,
          policy: deps.policy,
        };
        await within(() =>
          client.workflow.start(IMPORT_WORKFLOW_TYPE, {
            workflowId: importWorkflowId(importId),
            taskQueue: deps.taskQueue,
            args: [input],
          }),
        ).catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        });
        res
          .status(202)
          .location(`/imports/${importId}`)
          .json({ importId, phase: 'validating', location: `/imports/${importId}` });
      },
    }),
    route({
      method: 'get',
      path: '/imports/template.csv',
      summary: 'The import columns with one example row',
      tags: ['imports'],
      roles: ['supervisor'],
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
      handler: (_input, _req, res) => void res.type('text/csv').attachment('case-import-template.csv').send(TEMPLATE),
    }),
    route({
      method: 'get',
      path: '/imports/:importId',
      summary:
        'Progress of an import, and its report: every rejected row with its field and reason, outcomes, possible duplicates',
      tags: ['imports'],
      roles: ['supervisor', 'auditor'],
      params: idParam,
      responses: {
        200: { description: 'The import so far', content: { 'application/json': { schema: importReportSchema } } },
        404: { description: 'No such import' },
      },
      async handler({ params }, _req, res) {
        if (!IMPORT_ID.test(params.importId ?? ''))
          throw new HttpProblem(problem(404, 'import-not-found', `No import ${params.importId}.`));
        res.json(await within(() => reportOf(params.importId!)));
      },
    }),
  ];
}
