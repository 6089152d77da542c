/**
 * A refresh token Spotify refuses (`invalid_grant`: consent revoked, or six months passed), end to
 * end over real HTTP on 127.0.0.1: the run stops at FetchToken after one token request, fails
 * with SpotifyReauthRequiredError pointing at the runbook, and leaves the lake's data and what
 * readers see as they were; no token or secret reaches what it prints or the lake.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsPath, FileCredentialsStore } from '../../adapters/local/file-secrets';
import { createRun } from '../../cli/commands/run';
import type { RunSummary } from '../../cli/local/summary';
import { ErrorName, errorPolicy } from '../../core/errors';
import { runManifestKey } from '../../core/lake/keys';
import { builtAsl } from '../../state-machine/built-asl';
import { steps } from '../../steps/registry';
import { captureIo } from '../support/cli-io';
import { emulatorWith } from '../support/emulator';
import { tempFolderForSuite } from '../support/temp-folders';

const clock = { now: () => new Date('2026-11-20T07:00:00Z') };

/**
 * Every file of the lake with a hash of its bytes, but its local secrets and the run manifests
 * (a failed run records its attempt there, by design; what readers see is checked apart).
 */
const lakeFiles = async (lake: string): Promise<Record<string, string>> => {
  const entries = (await readdir(lake, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const files = entries
    .map((entry) => relative(lake, join(entry.parentPath, entry.name)))
    // What every run adds, failed or not: its record in the manifest and the counts of its Spotify requests (its own run_id= folder).
    .filter((path) => !path.startsWith('.state') && !path.endsWith('manifest.json') && !/^raw\/requests\/run_id=[^/]+\//.test(path));
  return Object.fromEntries(await Promise.all(files.sort().map(async (path) => [path, createHash('sha256').update(await readFile(join(lake, path))).digest('hex')] as const)));
};

describe('a refresh token Spotify refuses', () => {
  const lake = tempFolderForSuite('spotify-etl-reconsent-');

  it('fails the run with SpotifyReauthRequiredError after one token request, pointing at the runbook, and leaves the lake as it was', async () => {
    // Prepare: the date published with the owner's consent, then the owner revokes it
    const emulator = await emulatorWith();
    const env = { SPOTIFY_ACCOUNTS_BASE_URL: emulator.accountsBaseUrl, SPOTIFY_API_BASE_URL: emulator.apiBaseUrl };
    await new FileCredentialsStore(credentialsPath(lake())).write({ ...emulator.credentials, refreshTokenFirstSeen: new Date() });
    const playlist = emulator.playlists.filter((p) => p.readable).sort((a, b) => a.total - b.total)[0]?.id ?? '';
    const args = ['--source', 'spotify', '--date', '2026-11-20', '--playlists', playlist, '--lake', lake(), '--json'];
    const first = captureIo(lake(), env);
    expect(await createRun({ clock })(args, first)).toBe(0);
    const published = (JSON.parse(first.stdout()) as RunSummary).executionName;
    const before = await lakeFiles(lake());
    const credentialsBefore = await readFile(credentialsPath(lake()), 'utf8');
    const requestsBefore = emulator.stats();
    emulator.revokeConsent();
    const io = captureIo(lake(), env);
    // Act
    const code = await createRun({ clock })(args, io);
    // Assess
    const summary = JSON.parse(io.stdout()) as RunSummary;
    const lastLine = io.stderr().trim().split('\n').at(-1) ?? '';
    expect(code).toBe(1);
    expect(summary.error?.name).toBe(ErrorName.SpotifyReauthRequired);
    expect(lastLine).toMatch(
      /^spotify-etl run: SpotifyReauthRequiredError: Spotify refused the stored refresh token \(invalid_grant: Refresh token revoked\); .*Run `spotify-etl auth login` .* docs\/operations\.md#re-consent\.$/,
    );
    expect(emulator.stats().tokenRequests - requestsBefore.tokenRequests).toBe(1);
    expect(emulator.stats().apiRequests - requestsBefore.apiRequests).toBe(0);
    expect(summary.requests).toEqual({ spotifyApi: 0, spotifyToken: 1 });
    expect(await lakeFiles(lake())).toEqual(before);
    const manifest = JSON.parse(await readFile(join(lake(), runManifestKey('2026-11-20')), 'utf8')) as {
      published: { executionName: string };
      lastAttempt: { executionName: string; status: string };
    };
    expect(manifest.published.executionName).toBe(published);
    expect(manifest.lastAttempt).toMatchObject({ executionName: summary.executionName, status: 'failed' });
    expect(await readFile(credentialsPath(lake()), 'utf8')).toBe(credentialsBefore);
    const printed = io.stdout() + io.stderr() + JSON.stringify(manifest);
    for (const secret of [emulator.credentials.refreshToken ?? '-', emulator.credentials.clientSecret]) expect(printed).not.toContain(secret);
  });

  it('is never retried by the state machine: FetchToken catches it and no Retry names it', () => {
    const state = builtAsl.States[steps.fetchToken.stateName] as { Retry?: { ErrorEquals: string[] }[]; Catch?: { ErrorEquals: string[] }[] };

    expect(errorPolicy[ErrorName.SpotifyReauthRequired]).toEqual({ policy: 'catch' });
    expect((state.Retry ?? []).flatMap((retry) => retry.ErrorEquals)).not.toContain(ErrorName.SpotifyReauthRequired);
    expect((state.Catch ?? []).flatMap((caught) => caught.ErrorEquals)).toContain(ErrorName.SpotifyReauthRequired);
  });
});
