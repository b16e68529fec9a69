/** One Temporal connection per process, made at start-up from configuration. */
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from './index.js';

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

export async function connectClient(config: Config, observe?: CallObserver): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address: config.temporal.address, ...(observe ? { interceptors: [observing(observe)] } : {}) });
  return { connection, client: new Client({ connection, namespace: config.temporal.namespace }) };
}

export function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.temporal.address });
}
