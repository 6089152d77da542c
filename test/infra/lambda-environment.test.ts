import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../infra/config';
import { bucketNameMaxChars, environmentBytes, environmentLimitBytes } from '../../infra/lambda-environment';
import { logicalIdOf } from '../../infra/nag';
import { synthStack } from './synth';

/** `count` distinct playlist ids (22 letters and digits). */
const playlistIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `pl${String(i).padStart(20, '0')}`);

const synthWith = (count: number) => synthStack({ 'spotify-etl:playlists': playlistIds(count) }, { bundle: false });

/** What the configured-playlists check says fits, read from its refusal of far too many. */
const idsThatFit = (): number => {
  try {
    synthWith(400);
  } catch (error) {
    const fit = /configure at most (\d+) ids/.exec(String(error))?.[1];
    if (fit !== undefined) return Number(fit);
  }
  throw new Error('400 configured playlists were not refused');
};

describe("a function's environment against Lambda's 4 KB", () => {
  it('counts each value CloudFormation fills in at its bound, the lake bucket name at 63 characters', () => {
    // Arrange
    const stack = new Stack();
    const { bucketName } = new s3.Bucket(stack, 'Bucket');
    const arn = `arn:aws:sns:${stack.region}:${stack.account}:topic`;
    // Act
    const literal = environmentBytes({ A: 'plain' });
    const bucket = environmentBytes({ A: bucketName }, new Map([[bucketName, bucketNameMaxChars]]));
    const unknown = environmentBytes({ A: arn });
    // Assess: {"A":"…"} is 8 bytes around the value
    expect(literal).toBe(8 + 'plain'.length);
    expect(bucket).toBe(8 + 63);
    expect(unknown).toBe(8 + 'arn:aws:sns:::topic'.length + 2 * 256);
  });

  it('synthesizes as many configured playlists as fit in ValidateInput, within 4 KB as deployed', () => {
    // Arrange
    const fit = idsThatFit();
    // Act
    const { stack } = synthWith(fit);
    // Assess: the deployed variables, the bucket's generated name at its longest
    const fn = stack.pipeline.functions.get('ValidateInput');
    if (!fn) throw new Error('no ValidateInput function');
    const variables = Template.fromStack(stack).toJSON().Resources[logicalIdOf(fn)].Properties.Environment.Variables as Record<string, unknown>;
    const deployed = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : 'x'.repeat(bucketNameMaxChars)]));
    expect(Object.keys(variables)).toContain('DEFAULT_PLAYLIST_IDS');
    expect(Buffer.byteLength(JSON.stringify(deployed))).toBeLessThanOrEqual(environmentLimitBytes);
    expect(Buffer.byteLength(JSON.stringify(deployed))).toBeGreaterThan(environmentLimitBytes - 23);
    expect(fit).toBeGreaterThan(150);
  }, 60_000);

  it('refuses one configured playlist more at synth, in one line naming the setting, the count, the limit and what to do', () => {
    // Arrange
    const fit = idsThatFit();
    // Act
    const synth = () => synthWith(fit + 1);
    // Assess
    expect(synth).toThrow(ConfigError);
    let message = '';
    try {
      synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^CDK context spotify-etl:playlists = ${fit + 1} playlist ids: ValidateInput gets them in its DEFAULT_PLAYLIST_IDS variable`));
    expect(message).toContain(`over Lambda's ${environmentLimitBytes} for all of a function's variables; configure at most ${fit} ids`);
    expect(message).toContain('remote start --playlists @FILE');
  }, 60_000);
});
