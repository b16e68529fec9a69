/**
 * Failure messages and stack traces go into an encoded attribute, so the payload codec encrypts
 * them with everything else (#19): a rejection or an activity's error may quote what a person's
 * record holds. Decoding reads both forms, so failures recorded before this still read as they were.
 *
 * The SDK loads this file by path in two ways: bundled into the workflow sandbox, and with Node's
 * own `require()` in the worker and the client (config/temporal.ts, FAILURE_CONVERTER_PATH). The
 * second runs without the TypeScript loader under the test runner, so this file holds plain
 * JavaScript syntax only: no type annotations.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
