/**
 * Opens a local HTML file in the system's Chromium (Debian's `chromium` package) through
 * playwright-core, as a reader would: records console errors, every http(s) request, what each
 * chart drew, and saves a screenshot.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const chromiumPath = '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export const chromiumMissing = (): string | undefined =>
  existsSync(chromiumPath) ? undefined : `${chromiumPath} is missing: the report's browser tests are SKIPPED; install it with \`apt-get install -y chromium\` (as root)`;

// No GPU, no sandbox (containers run as root), and none of Chromium's own traffic (updates,
// sync, safe browsing, QUIC probes), so any request the test sees came from the page.
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What one chart section drew: the number of filled or stroked shapes in its SVG. */
export interface DrawnChart {
  readonly id: string;
  readonly svgs: number;
  readonly marks: number;
}

/** What the page did while it loaded and drew. */
export interface Visit {
  readonly consoleErrors: readonly string[];
  /** Every http: or https: URL the page asked for. */
  readonly networkRequests: readonly string[];
  readonly charts: readonly DrawnChart[];
  /** The notes shown instead of a chart, by chart id. */
  readonly notes: Readonly<Record<string, string>>;
  /** The empty lake's message, when the page shows it. */
  readonly emptyMessage: string | null;
  readonly title: string;
}

// Runs in the page, so it is text: a compiled function would carry the test runner's helpers.
// A mark is a shape with paint (a bar, a point, a line): axis and grid lines are 1px strokes
// without fill, so they do not count.
const inspectPage = `(() => {
  const painted = (shape) => {
    const fill = shape.getAttribute('fill');
    const stroke = shape.getAttribute('stroke');
    const width = Number(shape.getAttribute('stroke-width') ?? '1');
    return (fill !== null && fill !== 'none' && fill !== 'transparent') || (stroke !== null && stroke !== 'none' && width > 1);
  };
  const charts = [...document.querySelectorAll('[data-chart]')].map((element) => ({
    id: element.dataset.chart,
    svgs: element.querySelectorAll('svg').length,
    marks: [...element.querySelectorAll('svg path, svg rect, svg circle')].filter(painted).length,
  }));
  const notes = Object.fromEntries([...document.querySelectorAll('[data-note]')].map((element) => [element.dataset.note, element.textContent]));
  return { charts, notes, emptyMessage: document.querySelector('[data-empty]')?.textContent ?? null, title: document.title };
})()`;

/**
 * Opens `file` in headless Chromium with a fresh profile, waits until every chart section is
 * drawn, and saves a full-page screenshot to `screenshot`.
 */
export const visitReport = async (file: string, screenshot: string, viewport = { width: 1280, height: 900 }): Promise<Visit> => {
  const profile = await mkdtemp(join(tmpdir(), 'spotify-etl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: flags, viewport });
  try {
    const consoleErrors: string[] = [];
    const networkRequests: string[] = [];
    context.on('request', (request) => {
      if (/^https?:/i.test(request.url())) networkRequests.push(request.url());
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(`[...document.querySelectorAll('[data-chart]')].every((element) => element.dataset.drawn === 'true')`, undefined, { timeout: 15_000 });
    const seen = (await page.evaluate(inspectPage)) as Omit<Visit, 'consoleErrors' | 'networkRequests'>;
    await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, networkRequests, ...seen };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
};
