/**
 * `npm run token -- --role supervisor --sub alice` prints a dev token signed with JWT_SECRET;
 * an integration token names its system: `--role integration --system hmcts`.
 */
import { parseArgs } from 'node:util';
import { signDevToken } from '../api/auth.js';
import { configOrExit } from '../config/index.js';
import { isRole, ROLES, SOURCES, type Source } from '../domain/index.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    system: { type: 'string', default: 'home-office' },
    ttl: { type: 'string', default: '12h' },
  },
});
if (!isRole(values.role) || !(SOURCES as readonly string[]).includes(values.system)) {
  console.error(
    `usage: npm run token -- --role <${ROLES.join('|')}> [--sub name] [--system ${SOURCES.join('|')}] [--ttl 12h]`,
  );
  process.exit(2);
}
const integration = values.role === 'integration';
const system = values.system as Source;
console.log(
  await signDevToken(
    {
      role: values.role,
      sub: values.sub ?? (integration ? `dev-${system}-integration` : `dev-${values.role}`),
      ...(integration ? { system } : {}),
    },
    configOrExit().auth,
    values.ttl,
  ),
);
