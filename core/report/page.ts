/**
 * The report as one self-contained HTML page: the charting library, styles and data inlined,
 * and a Content-Security-Policy that forbids loading anything, so the page works offline and
 * cannot reach the network even by mistake.
 */
import { reportCharts, type Cell, type Chart, type ReportData } from './charts';

/** The page's title. */
export const reportTitle = 'Spotify playlists: lake report';

const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

/** JSON that is safe inside a <script> element: no `<` can close it. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replaceAll('<', '\\u003c');

const cellText = (cell: Cell): string => (cell === null ? '–' : String(cell));

const table = (chart: Chart): string => {
  if (chart.table.rows.length === 0) return '';
  const head = chart.table.columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('');
  const body = chart.table.rows
    .map((row) => `<tr>${row.map((cell) => `<td${typeof cell === 'number' ? ' class="n"' : ''}>${escapeHtml(cellText(cell))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<details><summary>The numbers (${chart.table.rows.length} ${chart.table.rows.length === 1 ? 'row' : 'rows'})</summary><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></details>`;
};

const section = (chart: Chart): string =>
  [
    `<section class="chart" id="${chart.id}">`,
    `<h2>${escapeHtml(chart.title)}</h2>`,
    `<p class="what">${escapeHtml(chart.description)}</p>`,
    chart.option === null
      ? `<p class="note" data-note="${chart.id}">${escapeHtml(chart.note ?? 'Nothing to draw.')}</p>`
      : `<div class="plot" data-chart="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)}"></div>`,
    table(chart),
    '</section>',
  ].join('\n');

const styles = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1f2328; background: #f6f8fa; }
body { margin: 0 auto; padding: 24px; max-width: 1280px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: #57606a; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; margin-top: 16px; }
.chart { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; }
.chart h2 { margin: 0; font-size: 17px; }
.what { margin: 4px 0 8px; color: #57606a; font-size: 13px; }
.plot { height: 360px; }
#top-artists .plot, #explicit-share .plot { height: 420px; }
.note { padding: 24px; background: #fff8c5; border-radius: 6px; }
.empty { margin-top: 16px; padding: 24px; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 8px; font-size: 16px; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; }
details { margin-top: 8px; font-size: 13px; }
table { border-collapse: collapse; margin-top: 6px; width: 100%; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid #eaeef2; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
`;

// Draws every chart once the library has loaded; the SVG renderer keeps marks in the DOM, where
// they can be printed, zoomed and inspected.
const drawScript = `
const charts = JSON.parse(document.getElementById('report-data').textContent);
const drawn = [];
for (const chart of charts) {
  const element = document.querySelector('[data-chart="' + chart.id + '"]');
  const instance = echarts.init(element, null, { renderer: 'svg' });
  instance.setOption(chart.option);
  element.dataset.drawn = 'true';
  drawn.push(instance);
}
window.addEventListener('resize', () => drawn.forEach((instance) => instance.resize()));
`;

/** The command that fills an empty lake, for the page that has nothing to show. */
const firstRun = (lake: string): string => `npx spotify-etl run --lake ${lake}`;

const rangeText = (data: ReportData): string => {
  const { from, to } = data.range;
  if (from === undefined && to === undefined) return 'all dates';
  return `${from ?? 'the first date'} to ${to ?? 'the last date'}`;
};

/**
 * What an empty page says: with dates asked for, that none of them has data (the lake may well
 * have other dates: running the pipeline is not the fix); else what to run first, locally or on AWS.
 */
const emptyText = (data: ReportData): string => {
  // The report of a deployed lake (s3://…) is WriteReport's, written again after every run that succeeds.
  if (data.lake.startsWith('s3://')) {
    return `Nothing is published in this lake yet. Start a run (<code>npx spotify-etl remote start</code>, or wait for the schedule); this page is written again when one succeeds.`;
  }
  const again = `npx spotify-etl report --lake ${data.lake}`;
  if (data.range.from !== undefined || data.range.to !== undefined) {
    return `No date from ${escapeHtml(rangeText(data))} has published data or a recorded run in this lake. Widen <code>--from</code> and <code>--to</code>, or leave them out for every date: <code>${escapeHtml(again)}</code>.`;
  }
  return `Nothing is published in this lake yet. Run the pipeline first: <code>npm start</code> (or <code>${escapeHtml(firstRun(data.lake))}</code>), then <code>${escapeHtml(again)}</code> again.`;
};

/**
 * The page for `data`, with `library` (the charting library's browser build) inlined.
 * With nothing published and no run recorded it says what to run first instead of drawing.
 */
export const renderReport = (data: ReportData, library: string): string => {
  const empty = data.latestDate === null && data.health.length === 0;
  const charts = empty ? [] : reportCharts(data);
  const drawable = charts.filter((chart) => chart.option !== null).map((chart) => ({ id: chart.id, option: chart.option }));
  const header = [
    '<header>',
    `<h1>${escapeHtml(reportTitle)}</h1>`,
    `<p>Lake <code>${escapeHtml(data.lake)}</code> · ${escapeHtml(rangeText(data))} · published data only · generated ${escapeHtml(data.generatedAt)}</p>`,
    '</header>',
  ].join('\n');
  const body = empty ? `<p class="empty" data-empty="true">${emptyText(data)}</p>` : `<main>\n${charts.map(section).join('\n')}\n</main>`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: the library, styles and data are all in this file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(reportTitle)}</title>`,
    `<style>${styles}</style>`,
    '</head>',
    '<body>',
    header,
    body,
    drawable.length === 0 ? '' : `<script>${library.replaceAll('</script', '<\\/script')}</script>`,
    drawable.length === 0 ? '' : `<script type="application/json" id="report-data">${scriptJson(drawable)}</script>`,
    drawable.length === 0 ? '' : `<script>${drawScript}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
};
