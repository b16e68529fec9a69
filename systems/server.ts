/**
 * A reference system as its own process: `tsx systems/server.ts home-office|hmcts|notifier`. It is
 * spoken to in its own language where it has one, or in our envelope with `--format envelope` (or its
 * format setting, e.g. HOME_OFFICE_FORMAT=envelope: the worker reads the same one).
 */
import { parseArgs } from 'node:util';
import { describeSystem, HTTP_SYSTEMS, WIRE_FORMATS, type WireFormatChoice } from '../domain/systems.js';
import { NATIVE_FORMATS } from '../integrations/formats.js';
import { hmctsBehaviour, hmctsReception } from './hmcts.js';
import { homeOfficeReception, homeOfficeSearch } from './home-office.js';
import { createReferenceSystem, type SystemBehaviour } from './reference-system.js';
import type { HttpSystem } from '../domain/systems.js';

/** How each system with a language of its own reads it (one line per system in integrations/formats.ts). */
const NATIVE: Partial<Record<HttpSystem, Pick<SystemBehaviour, 'reception' | 'routes'>>> = {
  homeOffice: { reception: homeOfficeReception(), routes: homeOfficeSearch },
  courts: { reception: hmctsReception((caseId) => caseReferences(caseId)) },
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    data: { type: 'string' },
    'webhook-url': { type: 'string' },
    format: { type: 'string' },
  },
});
const which = positionals[0];
const descriptor = HTTP_SYSTEMS.map(describeSystem).find((d) => d.wire === which);
if (!descriptor) {
  console.error(
    `usage: tsx systems/server.ts <${HTTP_SYSTEMS.map((k) => describeSystem(k).wire).join('|')}> [--port N] [--data file.jsonl] [--format ${WIRE_FORMATS.join('|')}]`,
  );
  process.exit(2);
}
const key = HTTP_SYSTEMS.find((k) => describeSystem(k).wire === which)!;
const format = (values.format ?? (descriptor.formatSetting ? process.env[descriptor.formatSetting] : undefined)) as
  WireFormatChoice | undefined;
if (format !== undefined && !WIRE_FORMATS.includes(format)) {
  console.error(`--format is one of ${WIRE_FORMATS.join(', ')}`);
  process.exit(2);
}
// Its own language unless told otherwise, as the worker's port chooses (integrations/formats.ts).
const native = format !== 'envelope' && NATIVE_FORMATS[key] !== undefined && NATIVE[key] !== undefined;
const port = Number(values.port ?? new URL(descriptor.defaultUrl!).port);
const dataFile = values.data ?? `data/${which}.jsonl`;

// The HMCTS sequence is read from the store the system itself keeps, so it survives restarts; each
// call reads only the records stored since the one before.
const given: string[] = [];
let read = 0;
const registered = () => {
  const records = system.store.records;
  for (; read < records.length; read++) {
    const ref = records[read]!.receipt.references?.hmctsRef;
    if (ref) given.push(ref);
  }
  return given;
};
/** The references this system gave a case (HMCTS: its appeal reference and case number), from its own store. */
const caseReferences = (caseId: string): Record<string, string> =>
  Object.assign({}, ...system.messagesOf(caseId).map((m) => m.receipt.references ?? {}));
// The shared secret comes from the environment, never the command line (process lists show it).
const secret = descriptor.webhookSecretSetting ? process.env[descriptor.webhookSecretSetting] : undefined;
const webhook = values['webhook-url'] && secret ? { url: values['webhook-url'], secret } : undefined;
const behaviour: SystemBehaviour = {
  ...(which === 'hmcts' ? hmctsBehaviour(registered) : { name: descriptor.wire }),
  ...(native ? NATIVE[key] : {}),
  ...(webhook ? { webhook } : {}),
};
const system = createReferenceSystem(behaviour, dataFile);

// Express 5 hands a listen error (e.g. the port is taken) to this callback instead of throwing.
const server = system.app.listen(port, '127.0.0.1', (err?: Error) => {
  if (err) {
    console.error(`${which}: cannot listen on port ${port}: ${err.message}`);
    process.exit(1);
  }
  const language = native ? NATIVE_FORMATS[key]!.name : 'envelope';
  console.log(JSON.stringify({ system: which, port, dataFile, language, msg: 'reference system listening' }));
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
