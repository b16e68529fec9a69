/**
 * Twenty supervisors open the overview and ask for the summary at the same moment, round after
 * round: every answer is 200. Both are made of visibility calls (the summary's counts, the watch
 * list's searches), which the Temporal server limits per namespace: 100 a second on the dev
 * server, config/temporal-cluster-dynamic.yaml's on the cluster (`npm run test:cluster`), where the
 * summary alone used to be refused. What the pacing costs in time: `npm run bench:overview`.
 */
import { describe, expect, it } from 'vitest';
import { useStackInOwnNamespace } from './harness.js';
import { daysAgo } from './dates.js';
import { eventually } from './systems.js';

const SUPERVISORS = 20;
const ROUNDS = 3;
const CASES = 6;

const stack = useStackInOwnNamespace('overview-load');

describe('the overview under supervisors at once', () => {
  it(
    `answers ${SUPERVISORS} supervisors loading the overview and the summary together, ${ROUNDS} rounds, with no error`,
    { timeout: 180_000 },
    async () => {
      // A few cases, two of them on the watch list (appeals lodged 21 weeks ago in the 24-week cohort).
      const ids = await Promise.all(Array.from({ length: CASES }, () => stack.openCase()));
      for (const caseId of ids.slice(0, 2)) {
        for (const [role, body] of [
          ['caseworker', { type: 'decision.refused' }],
          ['tribunal', { type: 'appeal.lodged', lodgedOn: daysAgo(21 * 7) }],
        ] as const) {
          expect((await stack.call('POST', `/cases/${caseId}/events`, { role, body })).status).toBe(200);
        }
      }
      await eventually(
        async () =>
          (await stack.call('GET', '/reports/summary', { role: 'supervisor' })).body.twentyFourWeeks?.open === 2
            ? true
            : undefined,
        30_000,
        'the appeals in the summary',
      );

      const tokens = await Promise.all(
        Array.from({ length: SUPERVISORS }, (_, i) => stack.token('supervisor', `supervisor-${i}`)),
      );
      const failures: string[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        await Promise.all(
          tokens.map(async (token) => {
            const [page, summary] = await Promise.all([
              fetch(`${stack.baseUrl}/app`, { headers: { cookie: `case_tracker_token=${token}` }, redirect: 'manual' }),
              fetch(`${stack.baseUrl}/reports/summary`, { headers: { authorization: `Bearer ${token}` } }),
            ]);
            const [html, figures] = [await page.text(), await summary.text()];
            if (page.status !== 200 || !html.includes('id="watch-list"'))
              failures.push(`round ${round}: overview ${page.status} ${html.slice(0, 200)}`);
            if (summary.status !== 200 || (JSON.parse(figures) as { openCases?: number }).openCases !== CASES)
              failures.push(`round ${round}: summary ${summary.status} ${figures.slice(0, 200)}`);
          }),
        );
      }
      expect(failures).toEqual([]);
    },
  );
});
