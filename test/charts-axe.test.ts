/**
 * The overview's charts, and the compliance page's rate, in a real browser, from fixed data: the
 * charts' HTML, rendered from fixed data through the same layout and chart macro the overview uses,
 * is loaded as a static document in Debian's headless Chromium (its styles and GOV.UK Frontend's
 * served from the package by the browser's request routing, no server) and checked with axe-core
 * for WCAG 2.2 AA, with "Show the data" closed and open. No route of the application is involved.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import nunjucks from 'nunjucks';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageingChart, backlogChart, complianceChart, flowChart } from '../web/charts.js';
import type { CompliancePeriod, FlowPeriod, StageAgeing } from '../web/report-shapes.js';
import { DUTY_OUTCOMES, STAGES } from '../domain/index.js';

const GOVUK = createRequire(import.meta.url)
  .resolve('govuk-frontend/package.json')
  .replace(/package\.json$/, 'dist');
const VIEWS = fileURLToPath(new URL('../web/views', import.meta.url));
const ORIGIN = 'http://charts.test';
const SHOTS = 'test/artifacts/screenshots';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Twelve weeks from Monday 7 September 2026, every stage moving, the exit stage only filling. */
const PERIODS: Array<FlowPeriod & { open: Record<string, number> }> = Array.from({ length: 12 }, (_, w) => {
  const start = new Date(Date.UTC(2026, 8, 7 + 7 * w));
  const end = new Date(start.getTime() + 6 * 86_400_000);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    start: day(start),
    end: day(end),
    entered: Object.fromEntries(STAGES.map((s, i) => [s, 40 + ((w * 7 + i * 13) % 25)])),
    left: Object.fromEntries(STAGES.map((s, i) => [s, s === 'exit' ? 0 : 35 + ((w * 5 + i * 11) % 30)])),
    open: Object.fromEntries(STAGES.map((s, i) => [s, 250 + i * 100 + ((w * 17 + i * 7) % 40)])),
    cases: {
      open: Object.fromEntries(
        STAGES.map((s) => [s, `/reports/cases?report=flow&week=${day(start)}&stage=${s}&which=open`]),
      ),
    },
  };
});
const AGEING: Record<string, StageAgeing> = Object.fromEntries(
  STAGES.map((s, i) => {
    const buckets = [
      { fromDays: 0, toDays: 13, count: 30 + i },
      { fromDays: 14, toDays: 41, count: 45 + i * 10 },
      { fromDays: 42, toDays: 181, count: 35 + i * 15 },
      { fromDays: 182, toDays: null, count: 10 + i * 5 },
    ];
    const open = buckets.reduce((n, b) => n + b.count, 0);
    return [s, { open, p50Days: 20 + i * 5, p90Days: 70 + i * 20, buckets }];
  }),
);

/** The compliance page's weeks: a rate most weeks, none in the last four (no appeal of them settled yet). */
const COMPLIANCE: CompliancePeriod[] = PERIODS.map((p, w) => {
  const counts = { decidedInTime: w < 8 ? 5 + (w % 3) : 0, decidedLate: w < 8 ? w % 2 : 0, openInTime: w < 8 ? 0 : 4 };
  const settled = counts.decidedInTime + counts.decidedLate;
  return {
    start: p.start,
    end: p.end,
    lodged: settled + counts.openInTime,
    ...Object.fromEntries(DUTY_OUTCOMES.map((o) => [o, 0])),
    ...counts,
    rate: settled ? counts.decidedInTime / settled : null,
    cases: Object.fromEntries(
      DUTY_OUTCOMES.map((o) => [o, `/reports/cases?report=compliance&from=${p.start}&to=${p.end}&outcome=${o}`]),
    ),
  } as CompliancePeriod;
});

/** The document: the pages' own layout and chart macro around the charts the module drew. */
function chartsDocument(): string {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([VIEWS, GOVUK]), { autoescape: true });
  return env.renderString(
    `{% extends "layout.njk" %}{% from "chart.njk" import appChart %}
     {% block page %}<h1 class="govuk-heading-l">Overview</h1>
     {{ appChart(backlog, "backlog-trend") }}{{ appChart(flow, "weekly-flow") }}{{ appChart(ageing, "ageing") }}
     {{ appChart(compliance, "compliance", true) }}
     {% endblock %}`,
    {
      title: 'Overview',
      path: '/app',
      principal: { role: 'supervisor', sub: 'sam' },
      flow: flowChart(PERIODS),
      backlog: backlogChart(PERIODS),
      ageing: ageingChart(AGEING),
      compliance: complianceChart(COMPLIANCE),
    },
  );
}

/** The document and its styles, answered by the browser's request routing; anything else is not there. */
async function open(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const html = chartsDocument();
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file =
      path === '/app/govuk-frontend.min.css'
        ? `${GOVUK}/govuk/govuk-frontend.min.css`
        : path === '/app/app.css'
          ? `${VIEWS}/app.css`
          : path.startsWith('/assets/') && !path.includes('..')
            ? `${GOVUK}/govuk${path}`
            : undefined;
    if (path === '/app') return route.fulfill({ contentType: 'text/html', body: html });
    try {
      return route.fulfill({
        contentType: path.endsWith('.css') ? 'text/css' : undefined,
        body: file ? readFileSync(file) : '',
        status: file ? 200 : 404,
      });
    } catch {
      return route.fulfill({ status: 404, body: '' });
    }
  });
  await page.goto(`${ORIGIN}/app`);
  return page;
}

async function axe(page: Page, name: string) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  // Every violation, not just the serious ones: these pages are new and have no excuse.
  expect(
    violations.map((v) => `${v.id} (${v.impact}): ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    `${name}: accessibility`,
  ).toEqual([]);
}

describe('the overview charts in Chromium', () => {
  it('are images named by their titles, each with a table of its figures, and pass axe closed and open', async () => {
    const page = await open();
    // Each panel parses as SVG on its own (the browser's XML parser, not the HTML one).
    // (A string, run in the page: the tests compile without the DOM's types.)
    const parseErrors = await page.evaluate(`[...document.querySelectorAll('svg.app-chart__panel')].map((svg) =>
      new DOMParser().parseFromString(svg.outerHTML, 'image/svg+xml').getElementsByTagName('parsererror').length)`);
    expect(parseErrors).toEqual(Array(16).fill(0));
    await expect
      .poll(() => page.getByRole('img', { name: /^Claim: cases entering \(solid line\) and leaving/ }).count())
      .toBe(1);
    await expect
      .poll(() => page.getByRole('img', { name: /^Exit: 244 open cases by days in the stage/ }).count())
      .toBe(1);
    expect(await page.locator('header').getByText('Asylum case tracker').count()).toBe(1);
    await axe(page, 'charts, tables hidden');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/charts.png`, fullPage: true });

    for (const summary of await page.getByText('Show the data').all()) await summary.click();
    const flowTable = page.locator('#weekly-flow table');
    await expect.poll(() => flowTable.locator('tbody tr').count()).toBe(12 * STAGES.length);
    // en-GB writes "Sept", as GOV.UK's style does; older ICU data writes "Sep".
    expect(await flowTable.locator('tbody tr').first().textContent()).toMatch(/7 Sept?\s+Claim\s+40\s+35/);
    await expect.poll(() => page.locator('#backlog-trend table tbody tr').count()).toBe(12);
    // Every backlog figure links to its cases, as the flow's do.
    await expect.poll(() => page.locator('#backlog-trend table tbody tr a').count()).toBe(12 * STAGES.length);
    expect(await page.locator('#backlog-trend table tbody tr a').first().getAttribute('href')).toBe(
      '/app/reports/cases?report=flow&week=2026-09-07&stage=claim&which=open',
    );
    await expect.poll(() => page.locator('#ageing table').count()).toBe(2);
    // The compliance page's chart: its table shown without "Show the data", each outcome a link.
    expect(await page.getByRole('img', { name: /^Compliance rate: .*8 weeks of 12 with a rate/ }).count()).toBe(1);
    await expect.poll(() => page.locator('#compliance table tbody tr a').count()).toBe(12 * DUTY_OUTCOMES.length);
    await axe(page, 'charts, tables shown');
  });
});
