/** What a step's Lambda handler reports of an error: its message and stack bounded, its name kept. */
import { describe, expect, it } from 'vitest';
import { resumeAfterPhrase, resumeAfterSecondsOf, SpotifyThrottledError, StorageUnavailableError } from '../../../core/errors';
import { boundedMessage, lambdaHandler, maxErrorMessageBytes, maxErrorMessageLength, maxTraceFrameLength, maxTraceFrames } from '../../../core/step';
import { steps } from '../../../steps/registry';

/** What the handler of a step whose logic throws `error` throws. */
const reported = async (error: Error): Promise<Error> =>
  lambdaHandler(steps.writeReport, () => Promise.reject(error))({ published: ['2026-11-20'] }).then(
    () => expect.fail('the handler did not throw'),
    (thrown: unknown) => thrown as Error,
  );

describe("a step's error as its handler reports it", () => {
  it('keeps a message of at most 1,000 characters as it is', () => {
    const message = `Could not write lake key "reports/latest.html": ${'x'.repeat(900)}`;

    expect(boundedMessage(message)).toBe(message);
  });

  it.each([
    ['quotes', '"'],
    ['control characters', '\u0001'],
    ['euro signs', '€'],
  ])('cuts a message of %s until it fits its bytes once escaped twice, as a Cause in the state holds it, resume phrase kept', (_name, character) => {
    const bounded = boundedMessage(`Spotify answered ${character.repeat(3000)} ${resumeAfterPhrase(86_400)}`);

    expect(new TextEncoder().encode(JSON.stringify(JSON.stringify(bounded))).length).toBeLessThanOrEqual(maxErrorMessageBytes);
    expect(bounded).toMatch(/^Spotify answered /);
    expect(resumeAfterSecondsOf(bounded)).toBe(86_400);
  });

  it('cuts a longer message to 1,000 characters ending in an ellipsis, keeping its start, which names what was wrong', () => {
    const bounded = boundedMessage(`Could not write lake key "reports/latest.html": ${'x'.repeat(5000)}`);

    expect(bounded).toHaveLength(maxErrorMessageLength);
    expect(bounded).toMatch(/^Could not write lake key "reports\/latest\.html": x+…$/);
  });

  it("keeps a throttled message's resume phrase at its end, which NotifyFailure reads the wait from", () => {
    const bounded = boundedMessage(`Spotify refused ${'x'.repeat(5000)} ${resumeAfterPhrase(7200)}`);

    expect(bounded).toHaveLength(maxErrorMessageLength);
    expect(bounded).toMatch(/^Spotify refused x+… \[resume after 7200 s\]$/);
    expect(resumeAfterSecondsOf(bounded)).toBe(7200);
  });

  it('never ends a cut between the halves of a surrogate pair', () => {
    const bounded = boundedMessage(`${'x'.repeat(maxErrorMessageLength - 2)}${'🎵'.repeat(10)}`);

    expect(bounded).toBe(`${'x'.repeat(maxErrorMessageLength - 2)}…`);
  });

  it('throws the same error under its own name, message bounded, and a stack of it and at most 8 frames of at most 120 characters', async () => {
    const error = new SpotifyThrottledError(`Spotify refused ${'x'.repeat(5000)} ${resumeAfterPhrase(60)}`, 60, false);
    error.stack = [`Error: ${error.message}`, ...Array.from({ length: 40 }, (_, index) => `    at frame${index} (/var/task/${'f'.repeat(300)}.mjs:1:1)`)].join('\n');

    const thrown = await reported(error);

    expect(thrown).toBe(error);
    expect(thrown.name).toBe('SpotifyThrottledError');
    expect(thrown.message).toHaveLength(maxErrorMessageLength);
    const [header, ...frames] = (thrown.stack ?? '').split('\n');
    expect(header).toBe(`SpotifyThrottledError: ${thrown.message}`);
    expect(frames).toHaveLength(maxTraceFrames);
    expect(frames[0]).toMatch(/^ {4}at frame0 \/?/);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(maxTraceFrameLength);
  });

  it('keeps the frames of a short error, where it was thrown first', async () => {
    const thrown = await reported(new StorageUnavailableError('S3 did not answer'));

    expect(thrown.message).toBe('S3 did not answer');
    expect(thrown.stack).toMatch(/^StorageUnavailableError: S3 did not answer\n {4}at .*bounded-error\.test\.ts/);
  });
});
