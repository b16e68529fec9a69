/**
 * `npm run reporting:rebuild`: the reporting read model remade from the workflow histories (#20),
 * through the project's client (its data converter decrypts the payloads). Safe while the worker
 * runs: deliveries wait for the rebuild's transaction and are retried.
 */
import { configOrExit } from '../config/index.js';
import { connectClient } from '../config/temporal.js';
import { openReporting, reportingWhere } from '../reporting/index.js';
import { rebuildReporting } from '../activities/reporting-history.js';

const config = configOrExit();
const { connection, client } = await connectClient(config);
const store = await openReporting(config.reporting);
try {
  const started = Date.now();
  const { cases, messages } = await rebuildReporting(client, store, (done, total) => {
    if (done % 1000 === 0 || done === total) process.stderr.write(`\r${done}/${total} cases`);
  });
  process.stderr.write('\n');
  console.log(
    `rebuilt ${reportingWhere(config.reporting)}: ${cases} cases, ${messages} changes in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await store.close();
  await connection.close();
}
