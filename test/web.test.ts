/**
 * The pages in a real browser: Debian's headless Chromium driven by playwright-core, against the
 * real API and worker on a namespace of their own. Each page is checked by axe-core (no serious
 * or critical WCAG 2.2 AA violation) and saved as a screenshot in test/artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCaseBody, useStackInOwnNamespace } from './harness.js';
import { daysAgo, longDate, plusDays, summerTime, ukEndOfDay, ukMidnight } from './dates.js';
import { eventually } from './systems.js';

const stack = useStackInOwnNamespace('web');
const SHOTS = 'test/artifacts/screenshots';
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function checked(page: Page, name: string) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious, `${name}: accessibility`).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function signIn(role: string, name: string, check = false): Promise<Page> {
  // A context each: its own cookies, as two people on two machines.
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${stack.baseUrl}/app`);
  await expect.poll(() => page.url()).toContain('/app/sign-in');
  if (check) await checked(page, 'sign-in');
  await page.getByLabel(role, { exact: true }).check();
  await page.getByLabel('User name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/** GOV.UK's date input: day, month and year boxes inside one action's form. */
async function fillDate(form: ReturnType<Page['locator']>, day: string, month: string, year: string) {
  await form.getByLabel('Day').fill(day);
  await form.getByLabel('Month').fill(month);
  await form.getByLabel('Year').fill(year);
}

async function seedAppeal(weeksAgo: number, days = 0) {
  const caseId = await stack.openCase({
    cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
  });
  for (const [role, body] of [
    ['caseworker', { type: 'decision.refused', decidedOn: daysAgo(weeksAgo * 7 + days + 5) }],
    ['tribunal', { type: 'appeal.lodged', lodgedOn: daysAgo(weeksAgo * 7 + days) }],
  ] as const)
    expect((await stack.call('POST', `/cases/${caseId}/events`, { role, body })).status).toBe(200);
  return caseId;
}

describe('the web service', () => {
  it(
    'a supervisor sees the watch list with the case nearest breach first, and reads its timeline',
    { timeout: 120_000 },
    async () => {
      const later = await seedAppeal(21);
      const nearest = await seedAppeal(23, 2);
      await eventually(
        async () =>
          (await stack.call('GET', '/cases?clock=running&pageSize=10', { role: 'supervisor' })).body.cases.length === 2
            ? true
            : undefined,
        20_000,
        'both in search',
      );

      const page = await signIn('Supervisor', 'sam', true);
      await expect.poll(() => page.url()).toMatch(/\/app$/);
      const rows = page.locator('#watch-list tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.nth(0).textContent()).toContain(nearest);
      expect(await rows.nth(1).textContent()).toContain(later);
      await checked(page, 'overview');
      // An internal service's header: its own name, once, and no GOV.UK crown or logotype.
      expect(await page.locator('header').getByText('Asylum case tracker').count()).toBe(1);
      expect(await page.locator('header .govuk-header, header svg').count()).toBe(0);
      // Nor in the footer, which says the service records every read.
      expect(await page.locator('footer svg, .govuk-footer__crown').count()).toBe(0);
      expect(await page.locator('footer').textContent()).toContain('Every read and change of a case is recorded');
      // While the API has no flow or ageing report (404), the overview draws no chart and is no error.
      if ((await stack.call('GET', '/reports/ageing', { role: 'supervisor' })).status === 404)
        expect(await page.locator('.app-chart').count()).toBe(0);

      // The same case may also be among the longest waiting (#oldest): follow the watch list's link.
      await page.locator('#watch-list').getByRole('link', { name: nearest }).click();
      await expect.poll(() => page.locator('h1').textContent()).toContain(nearest);
      const timeline = await page.locator('#timeline').textContent();
      expect(timeline).toContain('Appeal lodged');
      expect(timeline).toContain('Decision refused');
      expect(await page.locator('#clocks').textContent()).toMatch(/\d+ days left/);
      await checked(page, 'case');

      await page.goto(`${stack.baseUrl}/app/cases`);
      await checked(page, 'find-a-case');
      await page.goto(`${stack.baseUrl}/app/imports`);
      await checked(page, 'import');

      // Upload, read the dry-run report, confirm, and see it done.
      const csv = `ho_ref,name,date_of_birth,nationality,stage,claim_date\nK7654321,Web Import,01/02/1990,ERI,claim,03/03/2025\nK12,Bad Ref,01/02/1990,ERI,claim,03/03/2025\n`;
      await page
        .getByLabel('Spreadsheet (CSV)')
        .setInputFiles({ name: 'web.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Check the file' }).click();
      await expect
        .poll(async () => (await page.locator('#import-summary').count()) > 0, { timeout: 30_000 })
        .toBe(true);
      expect(await page.locator('#import-summary').textContent()).toMatch(/Rejected\s*1/);
      expect(await page.locator('table').textContent()).toContain('ho_ref');
      await checked(page, 'import-report');
      await page.getByRole('button', { name: 'Import the 1 accepted rows' }).click();
      await expect
        .poll(
          async () =>
            page
              .locator('#import-summary')
              .textContent()
              .catch(() => ''),
          { timeout: 60_000 },
        )
        .toMatch(/1 created/);
      await page.close();
    },
  );

  it(
    'a caseworker refuses a claim through the form: a bad date is shown as an error, then it succeeds',
    { timeout: 120_000 },
    async () => {
      const body = newCaseBody();
      const caseId = await stack.openCase(body);
      await eventually(
        async () =>
          (await stack.call('GET', `/cases?ref=${body.homeOfficeRef}`, { role: 'caseworker' })).body.cases.length === 1
            ? true
            : undefined,
        20_000,
        'in search',
      );
      const page = await signIn('Caseworker', 'carol');
      await page.getByLabel('Reference').fill(body.homeOfficeRef);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: caseId }).click();
      await checked(page, 'case-caseworker');

      await page.locator('#action-decision\\.refused summary').click();
      const form = page.locator('#action-decision\\.refused');
      // The refusal's form has two dates (decided on, sent on): fill the decision's.
      const decidedOn = (f: ReturnType<Page['locator']>) => f.getByRole('group', { name: /^Decided on/ });
      await fillDate(decidedOn(form), '31', '2', '2026');
      await form.getByRole('button', { name: 'Decision refused' }).click();
      await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Decided on');
      expect(await page.title()).toMatch(/^Error:/);
      await checked(page, 'case-form-error');

      const [y, m, d] = daysAgo(2).split('-');
      const again = page.locator('#action-decision\\.refused');
      await fillDate(decidedOn(again), d!, m!, y!);
      await again.getByRole('button', { name: 'Decision refused' }).click();
      await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Decision refused');
      expect((await stack.call('GET', `/cases/${caseId}`)).body).toMatchObject({
        stage: 'decision',
        status: 'refused',
        dates: { refusedOn: daysAgo(2) },
      });
      await page.close();

      // Tribunal staff lodge and list the appeal.
      const tribunal = await signIn('Tribunal', 'tina');
      await tribunal.goto(`${stack.baseUrl}/app/cases/${caseId}`);
      await tribunal.locator('#action-appeal\\.lodged summary').click();
      await tribunal.locator('#action-appeal\\.lodged').getByRole('button', { name: 'Appeal lodged' }).click();
      await expect.poll(() => tribunal.locator('.govuk-notification-banner').textContent()).toContain('Appeal lodged');
      await tribunal.locator('#action-tribunal\\.listed summary').click();
      const [hy, hm, hd] = daysAgo(-40).split('-');
      const listing = tribunal.locator('#action-tribunal\\.listed');
      await fillDate(listing, hd!, hm!, hy!);
      await listing.getByRole('button', { name: 'Tribunal listed' }).click();
      await expect
        .poll(() => tribunal.locator('.govuk-notification-banner').textContent())
        .toContain('Tribunal listed');
      expect((await stack.call('GET', `/cases/${caseId}`)).body).toMatchObject({
        stage: 'tribunal',
        status: 'listed',
        dates: { hearingDate: daysAgo(-40) },
      });
      await checked(tribunal, 'case-tribunal');
      await tribunal.close();
    },
  );

  it(
    'a caseworker reads each limit by its last day, across a change of the clocks too',
    { timeout: 120_000 },
    async () => {
      // An appeal window: refused yesterday, 14 days, so the last day is 13 days from today.
      const refused = await stack.openCase();
      expect(
        (
          await stack.call('POST', `/cases/${refused}/events`, {
            body: { type: 'decision.refused', decidedOn: daysAgo(1) },
          })
        ).status,
      ).toBe(200);
      // A 24-week clock whose 168 days span a change to or from summer time: lodged k days ago, for the
      // first k that makes its first and last day fall on different sides of a change.
      const k = Array.from({ length: 160 }, (_, i) => i + 1).find(
        (i) =>
          summerTime(Date.parse(ukMidnight(daysAgo(i - 1)))) !==
          summerTime(Date.parse(ukMidnight(plusDays(daysAgo(i), 168)))),
      )!;
      expect(k).toBeDefined();
      const appeal = await seedAppeal(0, k);
      const clockLastDay = plusDays(daysAgo(k), 168);

      // The API says both: the last day and the instant it ends in London.
      const window = (await stack.call('GET', `/cases/${refused}`)).body.clocks.find(
        (c: any) => c.name === 'appeal-window',
      );
      expect(window).toMatchObject({ lastDay: daysAgo(-13), deadline: ukEndOfDay(daysAgo(-13)) });
      const clock = (await stack.call('GET', `/cases/${appeal}`)).body.clocks.find(
        (c: any) => c.name === 'tribunal-24-weeks',
      );
      expect(clock).toMatchObject({ lastDay: clockLastDay, deadline: ukEndOfDay(clockLastDay) });

      const page = await signIn('Caseworker', 'cleo');
      await page.goto(`${stack.baseUrl}/app/cases/${refused}`);
      await expect.poll(() => page.locator('#clocks').textContent()).toContain(`last day ${longDate(daysAgo(-13))}`);
      expect(await page.locator('#clocks').textContent()).toContain('13 days left');
      await page.goto(`${stack.baseUrl}/app/cases/${appeal}`);
      await expect.poll(() => page.locator('#clocks').textContent()).toContain(`last day ${longDate(clockLastDay)}`);
      expect(await page.locator('#clocks').textContent()).toContain(`${168 - k} days left`);
      await checked(page, 'case-last-days');
      await page.close();
    },
  );

  it(
    'the case page of a late appeal says an appeal is pending, and why; the search finds it by that filter',
    { timeout: 120_000 },
    async () => {
      const caseId = await stack.openCase();
      // Refused 40 days ago: the window closed unused, then an appeal comes in late.
      expect(
        (
          await stack.call('POST', `/cases/${caseId}/events`, {
            body: { type: 'decision.refused', decidedOn: daysAgo(40) },
          })
        ).status,
      ).toBe(200);
      await eventually(
        async () =>
          (await stack.call('GET', `/cases/${caseId}`)).body.status === 'appeal-rights-exhausted' ? true : undefined,
        20_000,
        'the window to expire',
      );
      const late = await stack.call('POST', `/cases/${caseId}/events`, {
        role: 'tribunal',
        body: { type: 'appeal.lodged', outOfTime: true },
      });
      expect(late.body).toMatchObject({ status: 'out-of-time', appealPending: true });
      await eventually(
        async () =>
          (await stack.call('GET', '/cases?appealPending=true&pageSize=200')).body.cases.some(
            (c: any) => c.caseId === caseId,
          )
            ? true
            : undefined,
        20_000,
        'the case in search as appeal pending',
      );

      const page = await signIn('Caseworker', 'cara');
      await page.goto(`${stack.baseUrl}/app/cases/${caseId}`);
      const pending = page.locator('#appeal-pending');
      await expect.poll(() => pending.textContent()).toContain('Appeal pending: yes');
      expect(await pending.textContent()).toContain('a late appeal awaits the tribunal’s decision on extending time');
      await checked(page, 'case-appeal-pending');

      await page.goto(`${stack.baseUrl}/app/cases`);
      await page.locator('#appealPending').selectOption('true');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.url()).toContain('appealPending=true');
      await expect.poll(() => page.getByRole('link', { name: caseId }).count()).toBe(1);
      // A search that went well shows no error summary (an empty list of errors is none).
      expect(await page.locator('.govuk-error-summary').count()).toBe(0);
      expect(await page.title()).not.toMatch(/^Error:/);
      await checked(page, 'find-a-case-appeal-pending');

      // The appellant withdraws: no appeal pending now, and the page says how the appeal ended.
      expect(
        (
          await stack.call('POST', `/cases/${caseId}/events`, {
            role: 'tribunal',
            body: { type: 'appeal.withdrawn', reason: 'The appellant withdrew' },
          })
        ).status,
      ).toBe(200);
      await page.goto(`${stack.baseUrl}/app/cases/${caseId}`);
      await expect.poll(() => page.locator('#appeal-pending').textContent()).toContain('Appeal pending: no');
      expect(await page.locator('#appeal-ended').textContent()).toContain(
        `The appeal was withdrawn on ${longDate(daysAgo(0))}`,
      );
      await page.close();
    },
  );

  it(
    'a supervisor applies a held event from the case page once it fits, and dismisses another with a reason',
    { timeout: 120_000 },
    async () => {
      await stack.systems.courts.webhookTo(
        `${stack.baseUrl}/integrations/hmcts/events`,
        stack.config.webhookSecrets.hmcts,
      );
      const body = newCaseBody();
      const caseId = await stack.openCase(body);
      await eventually(
        async () =>
          (await stack.call('GET', `/cases?ref=${body.homeOfficeRef}`)).body.cases.length === 1 ? true : undefined,
        20_000,
        'in search',
      );
      expect(
        (
          await stack.call('POST', `/cases/${caseId}/events`, {
            body: { type: 'decision.refused', decidedOn: daysAgo(2) },
          })
        ).status,
      ).toBe(200);
      // HMCTS reports a listing and an adjournment before the tracker knows of the appeal: both are held.
      const references = { homeOfficeRef: body.homeOfficeRef };
      const hearingDate = daysAgo(-50);
      expect(await stack.systems.courts.report({ type: 'tribunal.listed', hearingDate, references })).toMatchObject({
        status: 'held',
      });
      expect(
        await stack.systems.courts.report({ type: 'tribunal.adjourned', reason: 'No interpreter', references }),
      ).toMatchObject({ status: 'held' });

      const page = await signIn('Supervisor', 'sue');
      await page.goto(`${stack.baseUrl}/app/cases/${caseId}`);
      const listed = page.locator('#held-1');
      const adjourned = page.locator('#held-2');
      await expect.poll(() => listed.textContent()).toContain('Tribunal listed');
      expect(await listed.textContent()).toContain(`Hearing date: ${hearingDate}`);
      expect(await adjourned.textContent()).toContain('Tribunal adjourned');
      await checked(page, 'case-held');

      // Too early: the listing does not fit a refused claim yet, and the page says why.
      await listed.getByRole('button', { name: /^Apply/ }).click();
      await expect
        .poll(() => page.locator('.govuk-error-summary').textContent())
        .toContain(
          'Could not apply the held event: the held tribunal.listed does not fit the case at decision:refused',
        );
      expect(await page.title()).toMatch(/^Error:/);

      // Dismissing needs a reason.
      await page
        .locator('#held-2')
        .getByRole('button', { name: /^Dismiss/ })
        .click();
      await expect
        .poll(() => page.locator('.govuk-error-summary').textContent())
        .toContain('Reason for dismissing must not be empty');
      await checked(page, 'case-held-error');
      await page.locator('#held-2-reason').fill('Sent before the appeal was listed; HMCTS will send it again');
      await page
        .locator('#held-2')
        .getByRole('button', { name: /^Dismiss/ })
        .click();
      await expect
        .poll(() => page.locator('.govuk-notification-banner').textContent())
        .toContain('Held event dismissed');

      // The appeal is lodged; now the listing fits, and the supervisor applies it.
      expect(
        (await stack.call('POST', `/cases/${caseId}/events`, { role: 'tribunal', body: { type: 'appeal.lodged' } }))
          .status,
      ).toBe(200);
      await page.goto(`${stack.baseUrl}/app/cases/${caseId}`);
      expect(await page.locator('#held-2').count()).toBe(0);
      await page
        .locator('#held-1')
        .getByRole('button', { name: /^Apply/ })
        .click();
      await expect
        .poll(() => page.locator('.govuk-notification-banner').textContent())
        .toContain('Tribunal listed recorded');
      expect(await page.locator('#held').count()).toBe(0);
      expect((await stack.call('GET', `/cases/${caseId}`)).body).toMatchObject({
        stage: 'tribunal',
        status: 'listed',
        dates: { hearingDate },
        held: [],
      });
      await page.close();
    },
  );

  it(
    'a caseworker links two cases and records a PNC ID through the forms; both cases show the link',
    { timeout: 120_000 },
    async () => {
      const caseId = await stack.openCase();
      const other = await stack.openCase();
      const page = await signIn('Caseworker', 'carol');
      await page.goto(`${stack.baseUrl}/app/cases/${caseId}`);
      expect(await page.locator('#links').textContent()).toContain('No linked cases');

      await page.locator('#action-case\\.linked summary').click();
      const link = page.locator('#action-case\\.linked');
      await link.getByLabel('Case ID').fill(other);
      await link.getByLabel('Same person').check();
      await link.getByRole('button', { name: 'Case linked' }).click();
      await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Case linked');
      expect(await page.locator('#links').textContent()).toMatch(/Same person\s*AC-/);

      // A PNC ID with the wrong check letter is named in the error summary; the right one is shown.
      await page.locator('#action-case\\.identified summary').click();
      const identified = page.locator('#action-case\\.identified');
      await identified.getByLabel('PNC (optional)').fill('12/345678T');
      await identified.getByRole('button', { name: 'Case identified' }).click();
      await expect
        .poll(() => page.locator('.govuk-error-summary').textContent())
        .toContain('PNC has the wrong check letter');
      await checked(page, 'case-links');
      const again = page.locator('#action-case\\.identified');
      await again.getByLabel('PNC (optional)').fill('12/345678U');
      await again.getByRole('button', { name: 'Case identified' }).click();
      await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Case identified');

      // The other case shows the link back, once the workflow has recorded it there.
      await page.getByRole('link', { name: other }).click();
      await expect.poll(() => page.locator('h1').textContent()).toContain(other);
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.locator('#links').textContent();
          },
          { timeout: 30_000 },
        )
        .toContain(caseId);
      await page.getByRole('link', { name: caseId }).click();
      await expect.poll(() => page.locator('h1').textContent()).toContain(caseId);
      expect(await page.getByText('12/345678U').count()).toBe(1);
      await page.close();
    },
  );
});
