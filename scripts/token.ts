/** `npm run token -- --role supervisor --sub alice` prints a dev token signed with JWT_SECRET. */
import { parseArgs } from 'node:util';
import { signDevToken } from '../api/auth.js';
import { configOrExit } from '../config/index.js';
import { isRole, ROLES } from '../domain/index.js';

const { values } = parseArgs({
  options: { role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '12h' } },
});
if (!isRole(values.role)) {
  console.error(`usage: npm run token -- --role <${ROLES.join('|')}> [--sub name] [--ttl 12h]`);
  process.exit(2);
}
const config = configOrExit();
console.log(
  await signDevToken({ role: values.role, sub: values.sub ?? `dev-${values.role}` }, config.auth, values.ttl),
);
