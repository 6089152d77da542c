import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ConfigError, contextKey, defaultConfig, readConfig, type StackConfig } from '../../infra/config';
import { cdkContext } from './synth';

const configOf = (context: Record<string, unknown>): StackConfig => readConfig(new App({ context }).node);

describe('readConfig', () => {
  it('uses the defaults when the context sets nothing', () => {
    // Act / Assess
    expect(configOf({})).toEqual(defaultConfig);
  });

  it('documents every default in cdk.json, with the same value', () => {
    // Act
    const fromCdkJson = configOf(cdkContext);
    // Assess
    expect(fromCdkJson).toEqual(defaultConfig);
    for (const name of Object.keys(defaultConfig) as (keyof StackConfig)[]) expect(cdkContext).toHaveProperty([contextKey(name)]);
  });

  it('reads values as cdk.json types them and as strings from -c', () => {
    // Act
    const config = configOf({
      'spotify-etl:playlists': ' 3cEYpjA9oz9GiPac4AsH4n , 3cEYpjA9oz9GiPac4AsH4n',
      'spotify-etl:athenaBytesScannedCutoff': '20000000',
      'spotify-etl:logRetentionDays': '30',
      'spotify-etl:spotifyGrant': 'client_credentials',
      'spotify-etl:rejectTolerance': '12',
    });
    // Assess
    expect(config).toMatchObject({
      playlists: ['3cEYpjA9oz9GiPac4AsH4n'],
      athenaBytesScannedCutoff: 20_000_000,
      logRetentionDays: RetentionDays.ONE_MONTH,
      spotifyGrant: 'client_credentials',
      rejectTolerance: 12,
    });
  });

  it.each([
    ['playlists', ['not-a-playlist'], 'spotify-etl:playlists = "not-a-playlist": is not a Spotify playlist id'],
    ['schedule', 'daily at six', 'must be an EventBridge Scheduler expression'],
    ['alertEmail', 'ops', 'must be an e-mail address'],
    ['spotifyGrant', 'password', 'must be "refresh_token" or "client_credentials"'],
    ['spotifyApiBaseUrl', 'http://api.spotify.com/v1', 'must be an https:// URL'],
    ['athenaBytesScannedCutoff', 1000, 'must be a whole number from 10000000'],
    ['logRetentionDays', 42, 'must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30'],
    ['namePrefix', 'Spotify ETL', 'must be 3-32 lower-case letters'],
    ['rejectTolerance', -1, 'must be a whole number from 0'],
  ] as const)('fails on a bad %s, naming the key, the value and the rule', (name, value, message) => {
    // Act
    const read = () => configOf({ [contextKey(name)]: value });
    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
    expect(read).toThrow('set it in cdk.json or with -c');
  });
});
