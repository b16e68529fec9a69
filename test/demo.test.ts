/** The demo script tells a true story: run against a real stack, it ends where it says it does. */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../scripts/demo.js';
import { useStack } from './harness.js';
import { homeOfficeMessageType } from '../integrations/home-office.js';

const stack = useStack();

describe('npm run demo', () => {
  it(
    'takes a case through appeal by Home Office and HMCTS events alone, and the Home Office hears of it from the tracker; a late appeal reopens another',
    { timeout: 90_000 },
    async () => {
      // `npm start` points the reference systems' webhooks at the API; the test stack does it here.
      for (const [system, source] of [
        [stack.systems.homeOffice, 'home-office'],
        [stack.systems.courts, 'hmcts'],
      ] as const) {
        await fetch(`${system.url}/admin/webhook`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            url: `${stack.baseUrl}/integrations/${source}/events`,
            secret: stack.config.webhookSecrets[source],
          }),
        });
      }
      const lines: string[] = [];
      const outcome = await runDemo({
        apiUrl: stack.baseUrl,
        homeOfficeUrl: stack.systems.homeOffice.url,
        hmctsUrl: stack.systems.courts.url,
        auth: stack.config.auth,
        say: (l) => lines.push(l),
      });
      expect(`${outcome.stage}:${outcome.status}`).toBe('tribunal:listed');
      expect(outcome.timeline.map((e) => [e.type, e.actor.id])).toEqual([
        ['decision.refused', 'home-office'],
        ['appeal.lodged', 'hmcts'],
        ['tribunal.listed', 'hmcts'],
      ]);
      // In the Home Office's own language: its message types for our events.
      expect(outcome.atHomeOffice).toEqual(
        ['decision.refused', 'appeal.lodged', 'tribunal.listed'].map(homeOfficeMessageType),
      );
      expect(lines.some((l) => l.includes('reconciliation'))).toBe(true);

      // The late appeal: found after the window closed, the case reopened with an appeal pending, time extended.
      expect(outcome.lateAppeal).toMatchObject({
        reopenedAs: 'appeal:out-of-time',
        appealPending: true,
        appealPendingReason: expect.stringContaining('late appeal'),
        stage: 'appeal',
        status: 'lodged',
      });
      expect(outcome.lateAppeal.timeline.map((e) => [e.type, e.actor.id])).toEqual([
        ['decision.refused', 'home-office'],
        ['appeal-window.expired', 'workflow'],
        ['appeal.lodged', 'hmcts'],
        ['appeal.extension-decided', 'demo-tribunal'],
      ]);
      expect(lines.some((l) => l.includes('Appeal pending: yes'))).toBe(true);
    },
  );
});
