/** A reference system as its own process: `tsx systems/server.ts home-office|hmcts`. */
import { parseArgs } from 'node:util';
import { describeSystem, HTTP_SYSTEMS } from '../domain/systems.js';
import { hmctsBehaviour } from './hmcts.js';
import { createReferenceSystem, type SystemBehaviour } from './reference-system.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string' }, data: { type: 'string' }, 'webhook-url': { type: 'string' } },
});
const which = positionals[0];
const descriptor = HTTP_SYSTEMS.map(describeSystem).find((d) => d.wire === which);
if (!descriptor) {
  console.error(
    `usage: tsx systems/server.ts <${HTTP_SYSTEMS.map((k) => describeSystem(k).wire).join('|')}> [--port N] [--data file.jsonl]`,
  );
  process.exit(2);
}
const port = Number(values.port ?? new URL(descriptor.defaultUrl!).port);
const dataFile = values.data ?? `data/${which}.jsonl`;

// The HMCTS sequence is read from the store the system itself keeps, so it survives restarts.
const registered = () =>
  system.store.records.flatMap((m) => (m.receipt.references?.hmctsRef ? [m.receipt.references.hmctsRef] : []));
// The shared secret comes from the environment, never the command line (process lists show it).
const secret = descriptor.webhookSecretSetting ? process.env[descriptor.webhookSecretSetting] : undefined;
const webhook = values['webhook-url'] && secret ? { url: values['webhook-url'], secret } : undefined;
const behaviour: SystemBehaviour = {
  ...(which === 'hmcts' ? hmctsBehaviour(registered) : { name: descriptor.wire }),
  ...(webhook ? { webhook } : {}),
};
const system = createReferenceSystem(behaviour, dataFile);

// Express 5 hands a listen error (e.g. the port is taken) to this callback instead of throwing.
const server = system.app.listen(port, '127.0.0.1', (err?: Error) => {
  if (err) {
    console.error(`${which}: cannot listen on port ${port}: ${err.message}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ system: which, port, dataFile, msg: 'reference system listening' }));
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
