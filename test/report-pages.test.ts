/**
 * The report pages (#20) in a real browser against the real API, worker and reporting model, on a
 * namespace of their own: time in stage, 24-week compliance and workload each show the figures
 * their API report answers, each figure's link lists the cases the test put behind it, the CSV is
 * the API's, the date form asks the API for its range (and shows its refusal, naming the field),
 * and axe-core finds no WCAG 2.2 AA violation on any of them.
 */
import { dayText, shortDate } from '../web/dates.js';
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { useStack } from './harness.js';
import { caseApi } from './case-api.js';
import { modelCaughtUp, monday, T, today } from './reporting-steps.js';

const stack = useStack({ namespacePrefix: 'report-pages' });
const api = caseApi(stack, 'report-pages');
const SHOTS = 'test/artifacts/screenshots';
const IN_GROUP = { supportedAccommodation: true, foreignNationalOffender: false, detained: false };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(): Promise<Page> {
  const context = await browser.newContext();
  await context.addCookies([
    { name: 'case_tracker_token', value: await stack.token('supervisor', 'sam'), url: stack.baseUrl },
  ]);
  return context.newPage();
}

async function checked(page: Page, name: string) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  // Every violation, not just the serious ones: these pages are new.
  expect(
    violations.map((v) => `${v.id} (${v.impact}): ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    `${name}: accessibility`,
  ).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** A table's body as text, row by row. */
const rowsOf = (page: Page, table: string) =>
  page
    .locator(`${table} tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent!.trim())));
/** The row of a table holding each of these cells, exactly. */
const rowWith = (page: Page, table: string, ...cells: string[]) =>
  cells.reduce(
    (rows, text) => rows.filter({ has: page.getByRole('cell', { name: text, exact: true }) }),
    page.locator(`${table} tbody tr`),
  );
const sortRows = (rows: string[][]) => [...rows].sort((a, b) => a.join('|').localeCompare(b.join('|')));

/** The case ids a cases page lists (one page: the test's lists are short). */
const listedOn = async (page: Page) => (await page.locator('#results a').allTextContents()).map((s) => s.trim()).sort();
/** The case ids behind an API `cases` link. */
const behind = async (href: string) =>
  ((await stack.call('GET', href, { role: 'supervisor' })).body.caseIds as string[]).sort();

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const OUTCOMES = ['decidedInTime', 'decidedLate', 'openInTime', 'openPastLimit', 'exception', 'ended'];

/** A CSV's rows without its asOf column (the moment each was read). */
const csvRows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.split(',').slice(1).join(','));

describe('the report pages', () => {
  const range = `from=${monday(T(-70))}&to=${today}`;
  let appealed: string;
  let waiting: string;
  let fresh: string;

  beforeAll(async () => {
    // In the 24-week group, assigned to pat: 10 days at claim, 5 at decision, its appeal open and in time.
    appealed = await stack.openCase({ claimDate: T(-60), cohort: IN_GROUP, assignee: 'pat' });
    await api.apply(appealed, 'caseworker', { type: 'decision.refused', decidedOn: T(-50), sentOn: T(-3) });
    await api.apply(appealed, 'tribunal', { type: 'appeal.lodged', lodgedOn: T(-45) });
    // pat's too: 200 days at claim (a long stay). And one nobody is assigned, 10 days at claim.
    waiting = await stack.openCase({ claimDate: T(-200), cohort: IN_GROUP, assignee: 'pat' });
    fresh = await stack.openCase({ claimDate: T(-10), cohort: IN_GROUP });
    await modelCaughtUp(stack, api, [appealed, waiting, fresh]);
  });

  it('show the API’s figures, each linked to the cases behind it, with its CSV', { timeout: 120_000 }, async () => {
    const page = await signedIn();

    // Time in stage: the stays that ended in the range, as the API counts them.
    const time = (await stack.call('GET', `/reports/time-in-stage?${range}`, { role: 'supervisor' })).body;
    await page.goto(`${stack.baseUrl}/app/reports/time-in-stage?${range}`);
    expect(await page.locator('#as-of').textContent()).toContain('Figures as of');
    expect(sortRows(await rowsOf(page, '#time-in-stage-table'))).toEqual(
      sortRows(
        time.stages.map((s: any) => [
          cap(s.stage),
          s.cohort ? 'Yes' : 'No',
          String(s.count),
          String(s.p50Days ?? ''),
          String(s.p90Days ?? ''),
        ]),
      ),
    );
    const claimStays = time.stages.find((s: any) => s.stage === 'claim' && s.cohort);
    expect([claimStays.count, claimStays.p50Days]).toEqual([1, 10]);
    await checked(page, 'report-time-in-stage');
    await rowWith(page, '#time-in-stage-table', 'Claim', 'Yes').getByRole('link').click();
    expect(await listedOn(page)).toEqual([appealed]);
    expect(await behind(claimStays.cases)).toEqual([appealed]);
    await checked(page, 'report-time-in-stage-cases');

    // Compliance: one appeal in the duty, open and in time, in the week it started; no rate yet.
    const compliance = (await stack.call('GET', `/reports/compliance?${range}`, { role: 'supervisor' })).body;
    await page.goto(`${stack.baseUrl}/app/reports/compliance?${range}`);
    expect(await rowsOf(page, '#compliance table')).toEqual(
      compliance.periods.map((p: any) => [
        shortDate(p.start),
        String(p.lodged),
        ...OUTCOMES.map((o) => String(p[o])),
        p.rate == null ? 'None settled' : `${Math.round(p.rate * 1000) / 10}%`,
      ]),
    );
    const started = compliance.periods.find((p: any) => p.start === monday(T(-45)));
    expect([started.lodged, started.openInTime]).toEqual([1, 1]);
    expect(await page.getByRole('img', { name: /^Compliance rate: / }).count()).toBe(1);
    await checked(page, 'report-compliance');
    await rowWith(page, '#compliance table', shortDate(started.start))
      .locator('td')
      .nth(4) // week, started, in time, late, open in time
      .getByRole('link')
      .click();
    expect(await listedOn(page)).toEqual([appealed]);
    expect(await behind(started.cases.openInTime)).toEqual([appealed]);

    // Workload: pat's claim and appeal, and the unassigned claim; pat's long stay at claim.
    const workload = (await stack.call('GET', '/reports/workload', { role: 'supervisor' })).body;
    await page.goto(`${stack.baseUrl}/app/reports/workload`);
    expect(sortRows(await rowsOf(page, '#workload-table'))).toEqual(
      sortRows(
        workload.rows.map((r: any) => [
          r.assignee ?? 'Unassigned',
          cap(r.stage),
          String(r.open),
          dayText(r.oldestEnteredOn),
          String(r.longStays),
        ]),
      ),
    );
    expect(
      sortRows(workload.rows.map((r: any) => [r.assignee ?? '-', r.stage, r.open, r.longStays].map(String))),
    ).toEqual([
      ['-', 'claim', '1', '0'],
      ['pat', 'appeal', '1', '0'],
      ['pat', 'claim', '1', '1'],
    ]);
    await checked(page, 'report-workload');
    await rowWith(page, '#workload-table', 'pat', 'Claim').locator('td').nth(4).getByRole('link').click();
    expect(await listedOn(page)).toEqual([waiting]);
    const patClaim = workload.rows.find((r: any) => r.assignee === 'pat' && r.stage === 'claim');
    expect(await behind(patClaim.cases.longStays)).toEqual([waiting]);
    await page.goBack();
    await rowWith(page, '#workload-table', 'Unassigned').getByRole('link').first().click();
    expect(await listedOn(page)).toEqual([fresh]);

    // Each page's CSV is the API's, row for row (each read at its own moment: asOf aside).
    for (const [name, query] of [
      ['time-in-stage', range],
      ['compliance', range],
      ['workload', ''],
    ] as const) {
      await page.goto(`${stack.baseUrl}/app/reports/${name}${query ? `?${query}` : ''}`);
      const href = await page.getByRole('link', { name: /Download as CSV/ }).getAttribute('href');
      const mine = await page.request.get(`${stack.baseUrl}${href}`);
      expect(mine.status()).toBe(200);
      expect(mine.headers()['content-type']).toMatch(/^text\/csv/);
      const theirs = await fetch(`${stack.baseUrl}/reports/${name}?${query}&format=csv`, {
        headers: { authorization: `Bearer ${await stack.token('supervisor')}` },
      });
      expect(csvRows(await mine.text())).toEqual(csvRows(await theirs.text()));
    }
    await page.close();
  });

  it(
    'are reached from the navigation, take their range from the form, and name a bad date',
    { timeout: 60_000 },
    async () => {
      const page = await signedIn();
      await page.goto(`${stack.baseUrl}/app`);
      await page.locator('.govuk-service-navigation').getByRole('link', { name: 'Reports', exact: true }).click();
      await expect.poll(() => page.url()).toMatch(/\/app\/reports$/);
      expect(await page.locator('#reports a').allTextContents()).toEqual([
        'Time in stage',
        '24-week compliance',
        'Workload',
      ]);
      await checked(page, 'reports');

      await page.getByRole('link', { name: '24-week compliance' }).click();
      const from = page.getByRole('group', { name: 'From' });
      await from.getByLabel('Day').fill('5');
      await from.getByLabel('Month').fill('1');
      await from.getByLabel('Year').fill('2026');
      await page.getByRole('button', { name: 'Show the report' }).click();
      await expect.poll(() => page.url()).toContain(`/app/reports/compliance?from=2026-01-05&to=${today}`);
      expect(await page.locator('#compliance table tbody tr').first().textContent()).toMatch(/^\s*5 Jan\s/);

      const to = page.getByRole('group', { name: 'To, included' });
      await to.getByLabel('Day').fill('31');
      await to.getByLabel('Month').fill('2');
      await to.getByLabel('Year').fill('2026');
      const answer = page.waitForResponse((r) => r.url().includes('/app/reports/compliance?from='));
      await page.getByRole('button', { name: 'Show the report' }).click();
      expect((await answer).status()).toBe(400);
      const problem = page.locator('.govuk-error-summary');
      expect(await problem.getByRole('link').textContent()).toBe('To must be a real date');
      expect(await problem.getByRole('link').getAttribute('href')).toBe('#to-day');
      await checked(page, 'report-compliance-error');
      await page.close();
    },
  );
});
