/** One Temporal connection per process, made at start-up from configuration. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type TLSConfig,
} from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from './index.js';
import { EncryptionCodec } from './payload-codec.js';
import { rateBudget, visibilityBudget } from './visibility-budget.js';

/** Reports every gRPC call's method, status code and duration (for the API's metrics). */
export type CallObserver = (method: string, code: number, seconds: number) => void;

function observing(observe: CallObserver): Interceptor {
  return (options, nextCall) => {
    const started = process.hrtime.bigint();
    const method = options.method_definition.path.split('/').pop() ?? 'unknown';
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            observe(method, status.code, Number(process.hrtime.bigint() - started) / 1e9);
            nextStatus(status);
          },
        });
      },
    });
  };
}

/**
 * Address, TLS and API key for any Temporal deployment, from configuration: the dev server (plain),
 * a self-hosted cluster with mTLS, or Temporal Cloud (mTLS certificates or an API key). The same
 * options serve the client (API) and the worker's native connection.
 */
export function connectionOptions(
  config: Config,
  read: (path: string) => Buffer = readFileSync,
): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const { tls: t, apiKey, address } = config.temporal;
  if (!t.enabled) return { address };
  const tls: TLSConfig = {
    ...(t.serverName ? { serverNameOverride: t.serverName } : {}),
    ...(t.caPath ? { serverRootCACertificate: read(t.caPath) } : {}),
    ...(t.certPath && t.keyPath ? { clientCertPair: { crt: read(t.certPath), key: read(t.keyPath) } } : {}),
  };
  return { address, tls: Object.keys(tls).length > 0 ? tls : true, ...(apiKey ? { apiKey } : {}) };
}

/**
 * The failure converter that puts messages and stack traces through the codec too. A path, as the
 * SDK takes it: the workflow bundle includes it (bundle with `failureConverterPath` set to it) and
 * the worker and client `require()` it.
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('../workflows/failure-converter.ts', import.meta.url));

/**
 * The one data converter of every client and worker of the product (#19): payloads encrypted with
 * the configured keys (config/payload-codec.ts), failures' messages with them. Client and worker
 * must agree, or one cannot read what the other wrote: build both from here.
 */
export function dataConverter(config: Pick<Config, 'payloadKeyring'>): DataConverter {
  return {
    payloadCodecs: config.payloadKeyring ? [new EncryptionCodec(config.payloadKeyring)] : [],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

/**
 * With an observer (the API) a failed call is answered at once (503, or 429 for a rate limit, with
 * Retry-After: the caller retries); without one (the worker's activities) the SDK's own retries
 * stay, as Temporal sets them by default. Both pace their visibility calls to the process's budget.
 */
export async function connectClient(
  config: Config,
  observe?: CallObserver,
): Promise<{ connection: Connection; client: Client }> {
  const first = observe ? observing(observe) : makeGrpcRetryInterceptor(defaultGrpcRetryOptions());
  const connection = await Connection.connect({
    ...connectionOptions(config),
    interceptors: [first, visibilityBudget(rateBudget(config.temporal.visibilityPerSecond))],
  });
  return {
    connection,
    client: new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) }),
  };
}

export function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
