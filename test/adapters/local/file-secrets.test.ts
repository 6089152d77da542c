import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { credentialsPath, FileCredentialsStore, FileTokenCache, tokenCachePath } from '../../../adapters/local/file-secrets';
import { SpotifyAuthError } from '../../../core/errors';
import { tempFolder } from '../../support/temp-folders';

let lake: string;
beforeEach(async () => {
  lake = await tempFolder('file-secrets-');
});

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('FileCredentialsStore', () => {
  it('writes the credentials to a 0600 file in a 0700 state folder and reads them back', async () => {
    // Prepare
    const store = new FileCredentialsStore(credentialsPath(lake));
    // Act
    await store.write({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' });
    const read = await store.read();
    // Assess
    expect(read).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' });
    expect(await modeOf(credentialsPath(lake))).toBe(0o600);
    expect(await modeOf(join(lake, '.state'))).toBe(0o700);
  });

  it('keeps a rotated refresh token with its first-seen date and the rest of the credentials, leaving no temporary file behind', async () => {
    // Prepare
    const store = new FileCredentialsStore(credentialsPath(lake));
    await store.write({ clientId: 'id', clientSecret: 'secret', refreshToken: 'old', refreshTokenFirstSeen: new Date('2026-05-01T00:00:00Z') });
    // Act
    await store.saveRefreshToken('new', new Date('2026-11-20T06:00:00Z'));
    // Assess
    expect(await store.read()).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'new', refreshTokenFirstSeen: new Date('2026-11-20T06:00:00Z') });
    expect(JSON.parse(await readFile(credentialsPath(lake), 'utf8'))).toMatchObject({ refreshTokenFirstSeen: '2026-11-20T06:00:00.000Z' });
    expect(await readdir(join(lake, '.state'))).toEqual(['credentials.json']);
    expect(await modeOf(credentialsPath(lake))).toBe(0o600);
  });

  it('dates a file written before dates were kept, once, and keeps it 0600', async () => {
    // Prepare: the JSON an older `auth login` wrote
    await mkdir(join(lake, '.state'), { mode: 0o700 });
    await writeFile(credentialsPath(lake), JSON.stringify({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' }), { mode: 0o600 });
    const store = new FileCredentialsStore(credentialsPath(lake));
    // Act
    await store.recordRefreshTokenFirstSeen('refresh', new Date('2026-11-20T06:00:00Z'));
    await store.recordRefreshTokenFirstSeen('refresh', new Date('2026-12-01T06:00:00Z'));
    // Assess
    expect(await store.read()).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh', refreshTokenFirstSeen: new Date('2026-11-20T06:00:00Z') });
    expect(await modeOf(credentialsPath(lake))).toBe(0o600);
  });

  it('does not date a refresh token the file no longer holds', async () => {
    // Prepare: another process rotated the token after this one read it
    const store = new FileCredentialsStore(credentialsPath(lake));
    await store.write({ clientId: 'id', clientSecret: 'secret', refreshToken: 'rotated' });
    // Act
    await store.recordRefreshTokenFirstSeen('old', new Date('2026-11-20T06:00:00Z'));
    // Assess
    expect(await store.read()).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'rotated' });
  });

  it('reads a first-seen date that is not a date as none, so the next run dates the token again', async () => {
    // Prepare
    await mkdir(join(lake, '.state'), { mode: 0o700 });
    await writeFile(credentialsPath(lake), JSON.stringify({ clientId: 'id', clientSecret: 'secret', refreshToken: 'r', refreshTokenFirstSeen: 'last spring' }), { mode: 0o600 });
    // Act / Assess
    expect((await new FileCredentialsStore(credentialsPath(lake)).read()).refreshTokenFirstSeen).toBeUndefined();
  });

  it('fails with SpotifyAuthError telling to run auth login when there are no credentials', async () => {
    // Prepare
    const store = new FileCredentialsStore(credentialsPath(lake));
    // Act
    const error = await store.read().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyAuthError);
    expect((error as Error).message).toContain(`No Spotify credentials at ${credentialsPath(lake)}`);
    expect((error as Error).message).toContain('spotify-etl auth login');
  });

  it('fails with SpotifyAuthError when the file can be read by others, saying how to fix it', async () => {
    // Prepare
    const store = new FileCredentialsStore(credentialsPath(lake));
    await store.write({ clientId: 'id', clientSecret: 'secret' });
    await chmod(credentialsPath(lake), 0o644);
    // Act
    const error = await store.read().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyAuthError);
    expect((error as Error).message).toContain('mode 644');
    expect((error as Error).message).toContain(`chmod 600 ${credentialsPath(lake)}`);
  });

  it('fails with SpotifyAuthError that does not quote the file when it is not JSON', async () => {
    // Prepare
    const path = join(lake, 'credentials.json');
    await writeFile(path, '{"clientId":"id","clientSecret":"s3cr3t-value" oops', { mode: 0o600 });
    // Act
    const error = await new FileCredentialsStore(path).read().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyAuthError);
    expect((error as Error).message).toContain('is not valid JSON');
    expect((error as Error).message).not.toContain('s3cr3t-value');
  });

  it('fails with SpotifyAuthError naming the missing field when the file has the wrong shape', async () => {
    // Prepare
    const path = join(lake, 'credentials.json');
    await writeFile(path, '{"clientId":"id"}', { mode: 0o600 });
    // Act
    const error = await new FileCredentialsStore(path).read().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyAuthError);
    expect((error as Error).message).toContain('$.clientSecret');
  });
});

describe('FileTokenCache', () => {
  it('writes the access token to a 0600 file and reads it back with its expiry', async () => {
    // Prepare
    const cache = new FileTokenCache(tokenCachePath(lake));
    const token = { value: 'access', expiresAt: new Date('2026-11-20T07:00:00Z') };
    // Act
    await cache.write(token);
    // Assess
    expect(await cache.read()).toEqual(token);
    expect(await modeOf(tokenCachePath(lake))).toBe(0o600);
    expect(JSON.parse(await readFile(tokenCachePath(lake), 'utf8'))).toEqual({ accessToken: 'access', expiresAt: '2026-11-20T07:00:00.000Z' });
  });

  it('reads a missing or unreadable cache as no token, so a new one is fetched', async () => {
    // Prepare
    const missing = new FileTokenCache(tokenCachePath(lake));
    const brokenPath = join(lake, 'broken.json');
    await writeFile(brokenPath, '{"accessToken": 1}');
    // Act
    const results = [await missing.read(), await new FileTokenCache(brokenPath).read()];
    // Assess
    expect(results).toEqual([undefined, undefined]);
  });
});
