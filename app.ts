/**
 * The HTTP app every API process serves: the API (api/) with the pages (web/) mounted in it. A
 * composition root, like worker.ts: api/ and web/ do not import each other, so they meet here.
 * Nothing here opens a connection or a port; server.ts does.
 */
import type express from 'express';
import { createApp as createApiApp, type AppDeps as ApiDeps } from './api/app.js';
import { createAccessLog } from './api/access-log.js';
import { signDevToken } from './api/auth.js';
import type { Config } from './config/index.js';
import type { Route } from './api/route.js';
import { webRouter } from './web/router.js';
import { tokenOf } from './web/session.js';

export interface AppDeps extends Omit<ApiDeps, 'pages'> {
  /**
   * The pages' local sign-in (choose a role) and cookies without Secure: no default, so every caller
   * says; the API process allows them only in local mode (fail closed).
   */
  devSignIn: boolean;
  secureCookies: boolean;
}

export function createApp({ devSignIn, secureCookies, ...deps }: AppDeps): express.Express & { routes: Route[] } {
  const pages = webRouter({
    signDevToken: (principal) => signDevToken(principal, deps.auth),
    devSignIn,
    secureCookies,
  });
  return createApiApp({ ...deps, pages, sessionToken: tokenOf });
}

/**
 * What the app takes from the configuration alone: the same for the API process (server.ts) and the
 * tests' in-process API, which add their own client, logger, metrics, reporting store and sign-in switches.
 */
export const appDepsFromConfig = (config: Config) => ({
  taskQueue: config.temporal.taskQueue,
  namespace: config.temporal.namespace,
  auth: config.auth,
  policy: config.policy,
  nameCaseFeatures: config.nameCaseFeatures,
  webhookSecrets: config.webhookSecrets,
  imports: config.imports,
  accessLog: createAccessLog(config.accessLog),
  temporalUiOrigins: config.temporalUiOrigins,
  ...config.api,
});
