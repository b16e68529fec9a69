/**
 * The overview's charts (web/charts.ts) as strings: well-formed SVG, every text escaped, values on
 * the scale where they belong, the tables holding the same figures, and the edges (no weeks, one
 * week, all zeros, an open-ended bucket, no percentile). The same charts are checked with axe in
 * Chromium by test/charts-axe.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ageingChart, backlogChart, escapeXml, flowChart, niceMax } from '../web/charts.js';
import { dayText, longDate, shortDate } from '../web/dates.js';
import type { FlowPeriod, StageAgeing } from '../web/report-shapes.js';

/**
 * A small well-formedness check, enough for what the module writes: tags balance, attribute values
 * are quoted and hold no raw `<` or `&`, text holds no raw `<` and only the five XML entities.
 */
function wellFormed(svg: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of svg.matchAll(token)) {
    const [, closing, name, attrs, selfClosing, text, stray] = m;
    if (stray) throw new Error(`stray "<" at ${m.index}: ${svg.slice(m.index, m.index + 40)}`);
    const body = text ?? attrs ?? '';
    const amp = body.replace(/&(amp|lt|gt|quot|#39);/g, '');
    if (amp.includes('&')) throw new Error(`raw "&" in ${body}`);
    if (text !== undefined) continue;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
    } else if (!selfClosing) stack.push(name as string);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
}

const attr = (svg: string, element: string, name: string) =>
  [...svg.matchAll(new RegExp(`<${element}\\b[^>]*\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]);
const texts = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

const week = (
  start: string,
  end: string,
  entered: Record<string, number>,
  left: Record<string, number>,
): FlowPeriod => ({
  start,
  end,
  entered,
  left,
});
const TWO_WEEKS = [
  week('2026-11-16', '2026-11-22', { claim: 0, decision: 4 }, { claim: 2, decision: 1 }),
  week('2026-11-23', '2026-11-29', { claim: 10, decision: 3 }, { claim: 5, decision: 0 }),
];

describe('scales and text', () => {
  it('(the check itself) refuses unbalanced tags, raw ampersands and stray brackets', () => {
    expect(() => wellFormed('<svg><g></svg>')).toThrow();
    expect(() => wellFormed('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => wellFormed('<svg><text>a < b</text></svg>')).toThrow();
    expect(() => wellFormed('<svg><text x="&">a</text></svg>')).toThrow();
    expect(() => wellFormed('<svg><text x="1">a &amp; b</text><rect/></svg>')).not.toThrow();
  });
  it('tops a scale at the next 1, 2 or 5 × 10ⁿ, and at 1 when everything is zero', () => {
    expect([0, -3, Number.NaN, 0.4, 1, 3, 7, 10, 12, 150, 1000, 1001].map(niceMax)).toEqual([
      1, 1, 1, 0.5, 1, 5, 10, 10, 20, 200, 1000, 2000,
    ]);
  });
  it('escapes the five XML characters and writes dates the same on every machine', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(shortDate('2026-12-07')).toBe('7 Dec');
    expect(shortDate('2027-01-25')).toBe('25 Jan');
    expect(dayText('2026-05-03')).toBe('3 May 2026');
    expect(longDate('2026-12-15')).toBe('Tuesday 15 December 2026');
    expect(longDate('')).toBe('');
  });
});

describe('weekly flow', () => {
  it('draws a panel a stage in the lifecycle order, each a titled image, with both lines labelled directly', () => {
    const chart = flowChart(TWO_WEEKS);
    expect(chart.panels).toHaveLength(2);
    chart.panels.forEach(wellFormed);
    const [claim, decision] = chart.panels as [string, string];
    expect(claim).toMatch(/^<svg [^>]*role="img" aria-labelledby="flow-0-title"/);
    expect(claim).toContain('<title id="flow-0-title">Claim: cases entering (solid line) and leaving (dashed line)');
    expect(decision).toContain('<title id="flow-1-title">Decision');
    expect(texts(claim)).toEqual(expect.arrayContaining(['Claim', 'Entered', 'Left', '16 Nov', '23 Nov']));
    // Colour is not the only cue: the second line is dashed and its markers square.
    expect(attr(claim, 'polyline', 'stroke-dasharray')).toEqual(['6 4']);
    expect(claim.match(/<rect /g)).toHaveLength(2);
    expect(claim.match(/<circle /g)).toHaveLength(2);
  });

  it('puts each value where the shared scale says: 10 at the top, 0 on the baseline', () => {
    const [claim, decision] = flowChart(TWO_WEEKS).panels as [string, string];
    // The plot runs x 40→254 and y 162 (zero) → 34 (the top, 10); both panels share the scale.
    expect(attr(claim, 'polyline', 'points')).toEqual(['40,162 254,34', '40,136.4 254,98']);
    expect(attr(decision, 'polyline', 'points')[0]).toBe('40,110.8 254,123.6');
    expect(texts(claim).slice(1, 4)).toEqual(['0', '5', '10']);
  });

  it('tables the same figures, a row a stage a week', () => {
    const [table] = flowChart(TWO_WEEKS).tables;
    expect(table?.head).toEqual(['Week starting', 'Stage', 'Entered', 'Left']);
    expect(table?.rows).toEqual([
      ['16 Nov', 'Claim', '0', '2'],
      ['16 Nov', 'Decision', '4', '1'],
      ['23 Nov', 'Claim', '10', '5'],
      ['23 Nov', 'Decision', '3', '0'],
    ]);
  });

  it('draws one week as markers alone, centred, with no line', () => {
    const [claim] = flowChart(TWO_WEEKS.slice(0, 1)).panels as [string];
    wellFormed(claim);
    expect(claim).not.toContain('<polyline');
    expect(attr(claim, 'circle', 'cx')).toEqual(['147']);
  });

  it('draws nothing from no weeks, and a flat scale from all zeros', () => {
    expect(flowChart([])).toMatchObject({ panels: [], tables: [{ rows: [] }] });
    const [zeros] = flowChart([week('2026-11-16', '2026-11-22', { claim: 0 }, { claim: 0 })]).panels as [string];
    wellFormed(zeros);
    expect(zeros).not.toMatch(/NaN|Infinity/);
    expect(texts(zeros).slice(1, 4)).toEqual(['0', '0.5', '1']);
  });

  it('escapes a stage name it does not know, and lists it after the known ones', () => {
    const odd = '<script>alert("&")</script>';
    const chart = flowChart([week('2026-11-16', '2026-11-22', { [odd]: 1, claim: 1 }, {})]);
    chart.panels.forEach(wellFormed);
    expect(chart.panels.join('')).not.toContain('<script>');
    expect(chart.panels[1]).toContain('&lt;script&gt;alert(&quot;&amp;&quot;)&lt;/script&gt;');
    // The tables hold plain text: the view's table macro escapes it.
    expect(chart.tables[0]?.rows.map((r) => r[1])).toEqual(['Claim', odd]);
  });

  it('writes the same bytes for the same data', () => {
    expect(flowChart(TWO_WEEKS)).toEqual(flowChart(structuredClone(TWO_WEEKS)));
  });
});

describe('backlog trend', () => {
  // The flow report's `open` at each week's end, and its link to the cases behind each.
  const link = (start: string, stage: string) => `/reports/cases?report=flow&week=${start}&stage=${stage}&which=open`;
  const OPEN = TWO_WEEKS.map((p, i) => ({
    ...p,
    open: [
      { claim: 3, decision: 3 },
      { claim: 8, decision: 6 },
    ][i] as Record<string, number>,
    cases: { open: { claim: link(p.start, 'claim'), decision: link(p.start, 'decision') } },
  }));

  it('draws a panel a stage and tables the weeks by their last day, the figures the report counted', () => {
    const chart = backlogChart(OPEN);
    expect(chart.panels).toHaveLength(2);
    chart.panels.forEach(wellFormed);
    expect(texts(chart.panels[0] as string)).toEqual(expect.arrayContaining(['Open', '22 Nov', '29 Nov']));
    expect(chart.tables[0]).toMatchObject({
      head: ['Week ending', 'Claim', 'Decision'],
      rows: [
        ['22 Nov', '3', '3'],
        ['29 Nov', '8', '6'],
      ],
    });
    expect(backlogChart([]).panels).toEqual([]);
  });

  it("links each cell to the cases page by the report's own link, and leaves a cell without one plain", () => {
    expect(backlogChart(OPEN).tables[0]?.links).toEqual([
      [
        undefined,
        '/app/reports/cases?report=flow&week=2026-11-16&stage=claim&which=open',
        '/app/reports/cases?report=flow&week=2026-11-16&stage=decision&which=open',
      ],
      [
        undefined,
        '/app/reports/cases?report=flow&week=2026-11-23&stage=claim&which=open',
        '/app/reports/cases?report=flow&week=2026-11-23&stage=decision&which=open',
      ],
    ]);
    const unlinked = OPEN.map(({ cases: _cases, ...p }) => p);
    expect(backlogChart(unlinked).tables[0]?.links?.flat().filter(Boolean)).toEqual([]);
  });
});

describe('ageing profile', () => {
  const claim: StageAgeing = {
    open: 30,
    p50Days: 10,
    p90Days: 45,
    buckets: [
      { fromDays: 0, toDays: 7, count: 5 },
      { fromDays: 8, toDays: 28, count: 20 },
      { fromDays: 29, toDays: null, count: 5 },
    ],
  };
  const appeal: StageAgeing = {
    open: 0,
    p50Days: null,
    p90Days: null,
    buckets: [{ fromDays: 0, toDays: 7, count: 0 }],
  };

  it('draws a bar a bucket on a shared scale, counts at the bars, the open-ended bucket named', () => {
    const chart = ageingChart({ appeal, claim });
    expect(chart.panels).toHaveLength(2);
    chart.panels.forEach(wellFormed);
    const [c, a] = chart.panels as [string, string];
    // The plot is 150 wide and the scale tops at 20: 5 is a quarter of it.
    expect(attr(c, 'rect', 'width')).toEqual(['37.5', '150', '37.5']);
    expect(attr(a, 'rect', 'width')).toEqual(['0']);
    expect(texts(c)).toEqual(
      expect.arrayContaining(['Claim: 30 open cases', '0 to 7 days', '29 days or more', '20', '5']),
    );
    expect(c).toContain('<title id="ageing-0-title">Claim: 30 open cases by days in the stage; median 10 days');
  });

  it('marks the median inside its bucket and the 90th percentile dashed, and says so in words', () => {
    const [c, a] = ageingChart({ claim, appeal }).panels as [string, string];
    // 10 days is 2/20 of the way through the 8-to-28 bucket, whose bar starts at y 64; 45 days is in the
    // open-ended bucket, at its start (y 94). Each rule has its sample beside its words under the bars.
    expect(attr(c, 'line', 'y1')).toEqual(['66.2', '134', '94', '152']);
    expect(c).toMatch(/<line [^>]*y1="94"[^>]*stroke-dasharray="6 4"/);
    expect(c).not.toMatch(/<line [^>]*y1="66.2"[^>]*stroke-dasharray/);
    expect(texts(c)).toEqual(expect.arrayContaining(['Median: 10 days', '90th percentile: 45 days']));
    // No open case, no percentile: no rule, and the words say so.
    expect(a).not.toContain('<line');
    expect(texts(a)).toEqual(expect.arrayContaining(['Median: none open', '90th percentile: none open']));
  });

  it('tables the buckets and the percentiles', () => {
    const [buckets, percentiles] = ageingChart({ claim, appeal }).tables;
    expect(buckets?.rows).toEqual([
      ['Claim', '0 to 7 days', '5'],
      ['Claim', '8 to 28 days', '20'],
      ['Claim', '29 days or more', '5'],
      ['Appeal', '0 to 7 days', '0'],
    ]);
    expect(percentiles?.rows).toEqual([
      ['Claim', '30', '10', '45'],
      ['Appeal', '0', '', ''],
    ]);
  });
});
