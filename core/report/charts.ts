/**
 * The report's charts as ECharts options (plain JSON, so they are built and tested here and only
 * drawn in the page), each with its title, what it shows and a table of its numbers. A chart
 * with nothing to draw carries a note instead of an option, saying why.
 */
import type { IsoDate } from '../dates';
import { cut } from '../text';
import type { HealthRow } from './health';
import type { ReportRange } from './queries';

export interface SizeRow { readonly snapshot_date: IsoDate; readonly playlist_id: string; readonly name: string; readonly entries: number }
export interface ChangeRow { readonly snapshot_date: IsoDate; readonly change: string; readonly entries: number }
export interface ArtistRow {
  readonly artist_id: string;
  readonly artist: string;
  readonly entries: number;
  readonly playlists: number;
  readonly all_entries: number;
  readonly all_playlists: number;
}
export interface ReleaseYearRow { readonly release_year: number; readonly entries: number }
export interface ExplicitRow { readonly playlist_id: string; readonly name: string; readonly explicit_entries: number; readonly track_entries: number }

/** Everything the report shows, read from the published tables and the manifests. */
export interface ReportData {
  readonly lake: string;
  readonly range: ReportRange;
  readonly generatedAt: string;
  /** The last date in range with published data: the date of the per-date charts. */
  readonly latestDate: IsoDate | null;
  readonly sizes: readonly SizeRow[];
  /** null while the lake has no `playlist_changes` table (it comes with playlist history). */
  readonly changes: readonly ChangeRow[] | null;
  readonly artists: readonly ArtistRow[];
  readonly releaseYears: readonly ReleaseYearRow[];
  readonly explicit: readonly ExplicitRow[];
  readonly health: readonly HealthRow[];
}

export type Cell = string | number | null;

/** One section of the report. */
export interface Chart {
  readonly id: string;
  readonly title: string;
  /** What is drawn and in which units. */
  readonly description: string;
  /** The ECharts option, or null when there is nothing to draw (then `note` says why). */
  readonly option: Record<string, unknown> | null;
  readonly note: string | null;
  readonly table: { readonly columns: readonly string[]; readonly rows: readonly (readonly Cell[])[] };
}

/** How many playlists the sizes chart draws: the largest on the last date. */
export const maxPlaylistLines = 12;

const colours = { good: '#2e7d32', bad: '#c62828', neutral: '#1565c0', accent: '#ef6c00' };

/** A playlist name on one line and short enough for a legend or an axis. */
export const shortName = (name: string, max = 40): string => {
  const line = name.replace(/\s+/g, ' ').trim() || '(no name)';
  return cut(line, max);
};

const percent = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10);

// The grid shrinks until axis labels and axis names fit inside these margins (px).
const grid = (left: number, right: number, top: number, bottom: number): Record<string, unknown> => ({
  left,
  right,
  top,
  bottom,
  outerBoundsMode: 'same',
  outerBoundsContain: 'all',
});

const base = (option: Record<string, unknown>): Record<string, unknown> => ({
  animation: false,
  textStyle: { fontFamily: 'system-ui, sans-serif' },
  grid: grid(16, 24, 40, 16),
  ...option,
});

const axis = (type: 'category' | 'value', name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type,
  name,
  nameLocation: 'middle',
  nameGap: type === 'category' ? 32 : 44,
  nameTextStyle: { fontWeight: 'bold' },
  ...extra,
});

const dateAxis = (dates: readonly string[]): Record<string, unknown> => axis('category', 'snapshot date (UTC)', { data: dates, boundaryGap: true });

const nothing = (id: string, title: string, description: string, note: string, columns: readonly string[] = []): Chart => ({
  id,
  title,
  description,
  option: null,
  note,
  table: { columns, rows: [] },
});

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

const sizesChart = (data: ReportData): Chart => {
  const id = 'playlist-sizes';
  const title = 'Playlist sizes over time';
  if (data.sizes.length === 0) return nothing(id, title, 'Entries per playlist and date.', 'Nothing is published in this range.');
  const dates = distinct(data.sizes.map((row) => row.snapshot_date)).toSorted();
  const latest = dates.at(-1) ?? '';
  const playlists = distinct(data.sizes.map((row) => row.playlist_id));
  const nameOf = new Map(data.sizes.map((row) => [row.playlist_id, row.name]));
  const named = playlists.map((playlistId) => ({ name: nameOf.get(playlistId) ?? playlistId, id: playlistId }));
  const [lineOf, rowOf] = [distinctLabels(named, 40), distinctLabels(named, 60)].map((labels) => new Map(playlists.map((playlistId, i) => [playlistId, labels[i] ?? playlistId])));
  // Looked up once per playlist and date, for the lines, their order and the table: a scan of the
  // rows each time made the page quadratic (a year of 12 playlists: 0.6 s; 10,000 playlists: hours).
  const entriesOn = new Map(data.sizes.map((row) => [`${row.playlist_id} ${row.snapshot_date}`, row.entries]));
  const sizeOn = (playlistId: string, date: string): number | null => entriesOn.get(`${playlistId} ${date}`) ?? null;
  const drawn = playlists
    .toSorted((a, b) => (sizeOn(b, latest) ?? -1) - (sizeOn(a, latest) ?? -1) || a.localeCompare(b))
    .slice(0, maxPlaylistLines);
  const first = dates[0] ?? '';
  return {
    id,
    title,
    description: `Entries per playlist (count) on each snapshot date${playlists.length > drawn.length ? `; the ${drawn.length} largest of ${playlists.length} playlists on ${latest}` : ''}. The table lists every playlist.`,
    option: base({
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: grid(16, 24, 24, 40),
      xAxis: dateAxis(dates),
      yAxis: axis('value', 'entries (count)'),
      series: drawn.map((playlistId) => ({
        type: 'line',
        name: lineOf?.get(playlistId) ?? playlistId,
        showSymbol: true,
        symbolSize: 7,
        connectNulls: false,
        data: dates.map((date) => sizeOn(playlistId, date)),
      })),
    }),
    note: null,
    table: {
      columns: ['playlist', `entries ${first}`, `entries ${latest}`, 'change'],
      rows: playlists.map((playlistId) => {
        const [before, after] = [sizeOn(playlistId, first), sizeOn(playlistId, latest)];
        return [rowOf?.get(playlistId) ?? playlistId, before, after, before === null || after === null ? null : after - before];
      }),
    },
  };
};

/** The note shown until the lake has the history's table. */
export const changesNeedHistory = 'needs playlist history (issue: history)';

const changesChart = (data: ReportData): Chart => {
  const id = 'playlist-changes';
  const title = 'Entries added and removed per day';
  const description = 'Entries added (above zero) and removed (below zero) across all playlists per snapshot date, against each playlist\'s previous published snapshot (count).';
  if (data.changes === null) return nothing(id, title, description, changesNeedHistory);
  if (data.changes.length === 0) return nothing(id, title, description, 'No playlist changed in this range.');
  const dates = distinct(data.changes.map((row) => row.snapshot_date)).toSorted();
  const totals = new Map<string, number>();
  for (const row of data.changes) totals.set(`${row.snapshot_date} ${row.change}`, (totals.get(`${row.snapshot_date} ${row.change}`) ?? 0) + Number(row.entries));
  const sum = (date: string, change: string): number => totals.get(`${date} ${change}`) ?? 0;
  return {
    id,
    title,
    description,
    option: base({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: dateAxis(dates),
      yAxis: axis('value', 'entries per day (count)'),
      series: [
        { type: 'bar', barMaxWidth: 48, name: 'added', stack: 'change', itemStyle: { color: colours.good }, data: dates.map((date) => sum(date, 'added')) },
        { type: 'bar', barMaxWidth: 48, name: 'removed', stack: 'change', itemStyle: { color: colours.bad }, data: dates.map((date) => -sum(date, 'removed') || 0) },
      ],
    }),
    note: null,
    table: { columns: ['date', 'added', 'removed'], rows: dates.map((date) => [date, sum(date, 'added'), sum(date, 'removed')]) },
  };
};

/** What a horizontal bar chart of shares shows: one bar per category, its share, and counts in the tooltip. */
interface ShareBars {
  /** The dimension each bar is (an artist, a playlist). */
  readonly category: string;
  /** The share's name in the tooltip. */
  readonly share: string;
  /** The counts shown beside the share in the tooltip: dimension and its name. */
  readonly counts: readonly (readonly [string, string])[];
  /** Rows of [category, share, ...counts]. */
  readonly source: readonly (readonly unknown[])[];
  readonly axisName: string;
  readonly axisMax?: number;
  readonly seriesName: string;
  readonly colour: string;
}

/** The option of a horizontal bar chart of shares (%), largest first. */
const shareBars = (bars: ShareBars) =>
  base({
    tooltip: { trigger: 'item' },
    dataset: {
      dimensions: [
        { name: bars.category, type: 'ordinal' },
        { name: 'share', displayName: bars.share },
        ...bars.counts.map(([name, displayName]) => ({ name, displayName })),
      ],
      source: bars.source,
    },
    grid: grid(16, 32, 16, 16),
    xAxis: axis('value', bars.axisName, bars.axisMax === undefined ? {} : { max: bars.axisMax }),
    yAxis: axis('category', '', { inverse: true, nameGap: 0 }),
    series: [
      {
        type: 'bar',
        name: bars.seriesName,
        itemStyle: { color: bars.colour },
        encode: { x: 'share', y: bars.category, tooltip: ['share', ...bars.counts.map(([name]) => name)] },
      },
    ],
  });

/**
 * Each row's label, `max` characters of its name, with ` · ` and the start of its id when another
 * row's label would be the same: ECharts draws equal categories as one (one bar over another)
 * and equal series names as one legend entry, and Spotify has many artists of one name (four
 * "Wild Fires") and playlists too. The id part is as long as it takes (4 characters at least)
 * to tell the same-named ones apart.
 */
const distinctLabels = (rows: readonly { readonly name: string; readonly id: string }[], max: number): string[] => {
  const names = rows.map((row) => shortName(row.name, max));
  return names.map((name, index) => {
    const same = rows.filter((_, other) => names[other] === name).map((row) => row.id);
    if (same.length === 1) return name;
    const id = rows[index]?.id ?? '';
    let length = 4;
    while (length < id.length && same.some((other) => other !== id && other.startsWith(id.slice(0, length)))) length += 1;
    return `${name} · ${id.slice(0, length)}`;
  });
};

const artistsChart = (data: ReportData): Chart => {
  const id = 'top-artists';
  const title = `Top artists${data.latestDate === null ? '' : ` on ${data.latestDate}`}`;
  if (data.artists.length === 0) return nothing(id, title, 'The most credited artists.', 'No track entries are published in this range.');
  const totals = data.artists[0];
  const rows = data.artists.map((row) => ({ ...row, share: percent(row.entries, row.all_entries) }));
  const named = rows.map((row) => ({ name: row.artist, id: row.artist_id }));
  const [onAxis, inTable] = [distinctLabels(named, 30), distinctLabels(named, 40)];
  return {
    id,
    title,
    description: `The ${rows.length} artists credited on the most track entries: their share of the date's ${totals?.all_entries ?? 0} track entries (%), and in how many of its ${totals?.all_playlists ?? 0} playlists with tracks they appear.`,
    option: shareBars({
      category: 'artist',
      share: 'share of track entries (%)',
      counts: [
        ['entries', 'track entries crediting them'],
        ['playlists', 'playlists they appear in'],
      ],
      source: rows.map((row, index) => [onAxis[index], row.share, row.entries, row.playlists]),
      axisName: 'share of track entries (%)',
      seriesName: 'share of track entries',
      colour: colours.neutral,
    }),
    note: null,
    table: {
      columns: ['artist', 'entries', 'share %', 'playlists'],
      rows: rows.map((row, index) => [inTable[index] ?? row.artist, row.entries, row.share, `${row.playlists} of ${row.all_playlists}`]),
    },
  };
};

const releaseYearsChart = (data: ReportData): Chart => {
  const id = 'release-years';
  const title = `Release years${data.latestDate === null ? '' : ` on ${data.latestDate}`}`;
  if (data.releaseYears.length === 0) return nothing(id, title, 'Track entries by album release year.', 'No track entries with a known release year are published in this range.');
  const byYear = new Map(data.releaseYears.map((row) => [Number(row.release_year), Number(row.entries)]));
  const years = [...byYear.keys()];
  const [min, max] = [Math.min(...years), Math.max(...years)];
  const all = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const decades = distinct(all.map((year) => Math.floor(year / 10) * 10));
  const total = [...byYear.values()].reduce((sum, n) => sum + n, 0);
  return {
    id,
    title,
    description: `Track entries (count) by their album's release year; ${total} entries with a known year.`,
    option: base({
      tooltip: { trigger: 'axis' },
      xAxis: axis('category', 'album release year', { data: all.map(String) }),
      yAxis: axis('value', 'track entries (count)'),
      series: [{ type: 'bar', name: 'track entries', itemStyle: { color: colours.neutral }, data: all.map((year) => byYear.get(year) ?? 0) }],
    }),
    note: null,
    table: {
      columns: ['decade', 'entries', 'share %'],
      rows: decades.map((decade) => {
        const entries = all.filter((year) => year >= decade && year < decade + 10).reduce((sum, year) => sum + (byYear.get(year) ?? 0), 0);
        return [`${decade}s`, entries, percent(entries, total)];
      }),
    },
  };
};

const explicitChart = (data: ReportData): Chart => {
  const id = 'explicit-share';
  const title = `Explicit share${data.latestDate === null ? '' : ` on ${data.latestDate}`}`;
  if (data.explicit.length === 0) return nothing(id, title, 'Explicit track entries per playlist.', 'No track entries are published in this range.');
  const rows = data.explicit.map((row) => ({ ...row, share: percent(Number(row.explicit_entries), Number(row.track_entries)) }));
  const [explicit, tracks] = rows.reduce(([e, t], row) => [e + Number(row.explicit_entries), t + Number(row.track_entries)], [0, 0]);
  const named = rows.map((row) => ({ name: row.name, id: row.playlist_id }));
  const [onAxis, inTable] = [distinctLabels(named, 30), distinctLabels(named, 40)];
  return {
    id,
    title,
    description: `Share of each playlist's track entries marked explicit (%); ${percent(explicit, tracks)} % of all ${tracks} track entries.`,
    option: shareBars({
      category: 'playlist',
      share: 'explicit share (%)',
      counts: [
        ['explicit', 'explicit track entries'],
        ['tracks', 'track entries'],
      ],
      source: rows.map((row, i) => [onAxis[i] ?? row.name, row.share, row.explicit_entries, row.track_entries]),
      axisName: 'explicit share of track entries (%)',
      axisMax: 100,
      seriesName: 'explicit share',
      colour: colours.accent,
    }),
    note: null,
    table: { columns: ['playlist', 'explicit', 'tracks', 'share %'], rows: rows.map((row, i) => [inTable[i] ?? row.name, row.explicit_entries, row.track_entries, row.share]) },
  };
};

const healthTable = (data: ReportData): Chart['table'] => ({
  columns: ['date', 'last attempt', 'published', 'checks passed', 'rejects', 'duration s', 'Spotify requests', 'execution'],
  rows: data.health.map((row) => [
    row.date,
    row.error === null ? `${row.status} (${row.mode})` : `${row.status} (${row.mode}): ${row.error}`,
    row.published ? 'yes' : 'no',
    `${row.checksPassed} of ${row.checksPassed + row.checksFailed}`,
    row.rejects,
    row.durationSeconds,
    row.requests === null ? null : `${row.requests.spotifyApi} API, ${row.requests.spotifyToken} token`,
    row.executionName,
  ]),
});

const healthChart = (data: ReportData): Chart => {
  const id = 'run-health';
  const title = 'Run health per date';
  const description = "The last attempt at each date, from its manifest: validation checks passed and failed (count, left axis) and entries rejected as undecodable (count, right axis).";
  if (data.health.length === 0) return nothing(id, title, description, 'No run has written a date in this range yet.');
  const dates = data.health.map((row) => row.date);
  return {
    id,
    title,
    description,
    option: base({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: dateAxis(dates),
      yAxis: [axis('value', 'checks (count)', { minInterval: 1 }), axis('value', 'rejected entries (count)', { minInterval: 1, splitLine: { show: false } })],
      series: [
        { type: 'bar', barMaxWidth: 48, name: 'checks passed', stack: 'checks', itemStyle: { color: colours.good }, data: data.health.map((row) => row.checksPassed) },
        { type: 'bar', barMaxWidth: 48, name: 'checks failed', stack: 'checks', itemStyle: { color: colours.bad }, data: data.health.map((row) => row.checksFailed) },
        { type: 'line', name: 'rejected entries', yAxisIndex: 1, showSymbol: true, symbolSize: 8, itemStyle: { color: colours.accent }, data: data.health.map((row) => row.rejects) },
      ],
    }),
    note: null,
    table: healthTable(data),
  };
};

const durationChart = (data: ReportData): Chart => {
  const id = 'run-duration';
  const title = 'Run duration per date';
  const description = 'Seconds from reading Spotify to the last record of the date\'s last attempt (its manifest\'s extractedAt to updatedAt). A date a backfill rebuilt from raw keeps the original extraction time, so it has none; the date a backfill extracted (today) has one.';
  const timed = data.health.filter((row) => row.durationSeconds !== null);
  if (timed.length === 0) return nothing(id, title, description, 'No attempt in this range read Spotify itself (only backfills of dates already landed), or no run wrote a date yet.');
  return {
    id,
    title,
    description,
    option: base({
      tooltip: { trigger: 'axis' },
      xAxis: dateAxis(timed.map((row) => row.date)),
      yAxis: axis('value', 'duration (seconds)'),
      series: [{ type: 'line', name: 'duration (s)', showSymbol: true, symbolSize: 8, itemStyle: { color: colours.neutral }, data: timed.map((row) => row.durationSeconds) }],
    }),
    note: null,
    table: { columns: ['date', 'duration s'], rows: timed.map((row) => [row.date, row.durationSeconds]) },
  };
};

/** The note shown when no manifest in range records request counts (manifests written before runs recorded them). */
export const requestsNotRecorded =
  'No manifest of these dates records Spotify requests (runs before requests were counted did not); this chart draws them for the dates of newer runs.';

const requestsChart = (data: ReportData): Chart => {
  const id = 'spotify-requests';
  const title = 'Spotify requests per date';
  const description = 'Web API and token requests of the last attempt at each date, retries included (count).';
  const counted = data.health.filter((row) => row.requests !== null);
  if (counted.length === 0) return nothing(id, title, description, requestsNotRecorded);
  return {
    id,
    title,
    description,
    option: base({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: dateAxis(counted.map((row) => row.date)),
      yAxis: axis('value', 'requests (count)'),
      series: [
        { type: 'bar', barMaxWidth: 48, name: 'Web API', stack: 'requests', itemStyle: { color: colours.neutral }, data: counted.map((row) => row.requests?.spotifyApi ?? 0) },
        { type: 'bar', barMaxWidth: 48, name: 'token', stack: 'requests', itemStyle: { color: colours.accent }, data: counted.map((row) => row.requests?.spotifyToken ?? 0) },
      ],
    }),
    note: null,
    table: { columns: ['date', 'Web API', 'token'], rows: counted.map((row) => [row.date, row.requests?.spotifyApi ?? 0, row.requests?.spotifyToken ?? 0]) },
  };
};

/** Every section of the report, in reading order. */
export const reportCharts = (data: ReportData): Chart[] => [
  sizesChart(data),
  changesChart(data),
  artistsChart(data),
  releaseYearsChart(data),
  explicitChart(data),
  healthChart(data),
  durationChart(data),
  requestsChart(data),
];
