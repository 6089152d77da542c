import { describe, expect, it } from 'vitest';
import type { JobState } from '../../../core/ports';
import { pollOnce } from '../../../core/polling';

type Status = { state: JobState; reason?: string };

/** A poll of a job that answers `status`, with errors that say which one was thrown. */
const pollWith = (status: Status, polls: number, maxPolls = 3) =>
  pollOnce({
    polls,
    maxPolls,
    status: async () => status,
    failed: (answer: Status) => new Error(`failed: ${answer.reason ?? ''}`),
    timedOut: (taken) => new Error(`timed out after ${taken}`),
  });

describe('pollOnce', () => {
  it('counts the poll and reports a running or succeeded job', async () => {
    // Act
    const running = await pollWith({ state: 'running' }, 0);
    const succeeded = await pollWith({ state: 'succeeded' }, 1);

    // Assess
    expect(running).toEqual({ state: 'running', polls: 1 });
    expect(succeeded).toEqual({ state: 'succeeded', polls: 2 });
  });

  it('reports a job that succeeds on the last allowed poll as succeeded', async () => {
    // Act
    const result = await pollWith({ state: 'succeeded' }, 2, 3);

    // Assess
    expect(result).toEqual({ state: 'succeeded', polls: 3 });
  });

  it('fails with the failed error, given the engine\'s answer, whatever the budget left', async () => {
    // Act
    const polled = pollWith({ state: 'failed', reason: 'TABLE_NOT_FOUND' }, 0, 100);

    // Assess
    await expect(polled).rejects.toThrow('failed: TABLE_NOT_FOUND');
  });

  it('fails with the timed-out error, given the polls taken, when the job still runs at the last allowed poll', async () => {
    // Act
    const polled = pollWith({ state: 'running' }, 2, 3);

    // Assess
    await expect(polled).rejects.toThrow('timed out after 3');
  });
});
