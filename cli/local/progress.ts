/**
 * Progress of a local run, driven by the execution's history events: milestone lines on stderr,
 * and on a terminal one live status line below them that is redrawn as states come and go.
 */
import type { ExecutionEvent } from '../../state-machine/local-executor';
import { stateNames } from '../../state-machine/state-names';
import { steps } from '../../steps/registry';
import { RunPlan } from '../../core/run-input';
import { EvaluateValidationOutput } from '../../steps/evaluate-validation/contract';
import { ExtractItemsOutput } from '../../steps/extract-items/contract';
import { FetchTokenOutput } from '../../steps/fetch-token/contract';
import { NormaliseOutput } from '../../steps/normalise/contract';
import { PollCrawlerOutput } from '../../steps/poll-crawler/contract';
import { RecordRunOutput } from '../../steps/record-run/contract';
import { plural } from './text';

type StateEvent = ExecutionEvent & { state: { name: string; input: unknown; output?: unknown }; Error?: string; Cause?: string };

const isStateEvent = (event: ExecutionEvent): event is StateEvent => 'state' in event;

/** A milestone line for an event, or undefined when the event is not one. */
export const describeEvent = (event: ExecutionEvent, lastError: Map<string, string>): string | undefined => {
  if (!isStateEvent(event)) return undefined;
  const { name } = event.state;
  if (event.type === 'StateFailed' && event.Error !== undefined) lastError.set(name, event.Error);
  if (event.type === 'StateRetried') return `  ↻ ${name} failed with ${lastError.get(name) ?? 'an error'}; retrying`;
  if (event.type === 'StateEntered' && name === stateNames.waitRetryAfter) {
    const wait = event.state.input;
    return ExtractItemsOutput.is(wait) ? `  … ${wait.playlistId}: Spotify asked to wait ${wait.waitSeconds} s` : undefined;
  }
  // A state whose error was caught also exits, with the error instead of its result: each
  // output is checked against the step's contract before it is described.
  if (event.type !== 'StateExited') return undefined;
  const output = event.state.output as Record<string, unknown> | undefined;
  switch (name) {
    case steps.validateInput.stateName: {
      const plan = output?.['plan'];
      if (!RunPlan.is(plan)) return undefined;
      const dates = plan.dates.map((d) => `${d.date} (${d.extract ? 'extract' : 'rebuild'})`).join(', ') || 'none';
      // A backfill of past dates naming none carries no list: it rebuilds each date's published playlists (all landed where none is).
      const playlists = plan.playlistIds.length === 0 && plan.rebuildLanded ? "each date's published playlists, or all landed" : plural(plan.playlistIds.length, 'playlist');
      return `  ✓ plan: ${plan.run.mode} run; dates ${dates}${plan.skipped.length > 0 ? `; skipping ${plan.skipped.join(', ')}` : ''}; ${playlists}`;
    }
    case steps.fetchToken.stateName:
      return FetchTokenOutput.is(output?.[steps.fetchToken.placement.into]) ? '  ✓ Spotify token cached' : undefined;
    case steps.extractItems.stateName:
      return ExtractItemsOutput.is(output) && output.done ? `  ✓ ${output.date} ${output.playlistId}: ${plural(output.cursor.total, 'entry', 'entries')} landed` : undefined;
    case steps.normalise.stateName: {
      if (!NormaliseOutput.is(output)) return undefined;
      const { date, tables, rejectCount, changesUntold = [] } = output;
      // Said, not only logged: those playlists' rows are missing from playlist_changes for good.
      const previousDates = [...new Set(changesUntold.map(({ previousDate }) => previousDate))].sort().join(', ');
      const untold =
        changesUntold.length > 0
          ? `; the changes of ${plural(changesUntold.length, 'playlist')} since ${previousDates} are not told (no playlist_changes rows): the playlist_items file ${previousDates} published is damaged`
          : '';
      return `  ✓ ${date} normalised: ${plural(tables.playlist_items, 'item')}, ${plural(tables.songs, 'song')}, ${plural(tables.albums, 'album')}, ${plural(tables.artists, 'artist')}${rejectCount > 0 ? `, ${rejectCount} rejected` : ''}${untold}`;
    }
    case steps.pollCrawler.stateName: {
      const crawl = output?.['crawl'];
      return PollCrawlerOutput.is(crawl) && crawl.state === 'succeeded' ? '  ✓ catalog crawled' : undefined;
    }
    case steps.evaluateValidation.stateName:
      return EvaluateValidationOutput.is(output) ? `  ✓ ${output.date} validated: ${plural(output.checks, 'check')} passed` : undefined;
    case steps.recordRun.stateName:
      return RecordRunOutput.is(output?.['recorded']) ? '  ✓ run recorded' : undefined;
    default:
      return undefined;
  }
};

/** The progress display of one run; `onEvent` goes to the executor. */
export const progressTo = (stream: NodeJS.WritableStream & { isTTY?: boolean }): { onEvent: (event: ExecutionEvent) => void; done: () => void } => {
  const live = stream.isTTY === true;
  const lastError = new Map<string, string>();
  const running = new Map<string, number>();
  let status = '';
  const redraw = (): void => {
    if (!live) return;
    const states = [...running].filter(([, count]) => count > 0).map(([name, count]) => (count > 1 ? `${name} ×${count}` : name));
    status = states.length > 0 ? `  ⋯ ${states.join(', ')}` : '';
    stream.write(`\r\x1b[2K${status}`);
  };
  return {
    onEvent: (event) => {
      if (isStateEvent(event) && (event.type === 'StateEntered' || event.type === 'StateExited')) {
        running.set(event.state.name, Math.max(0, (running.get(event.state.name) ?? 0) + (event.type === 'StateEntered' ? 1 : -1)));
      }
      const line = describeEvent(event, lastError);
      if (line !== undefined) stream.write(`${live ? '\r\x1b[2K' : ''}${line}\n`);
      redraw();
    },
    done: () => {
      if (live) stream.write('\r\x1b[2K');
    },
  };
};
