import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { tryDecode } from '../../core/decode';
import { allStates } from '../../state-machine/local-executor';
import { renderAsl } from '../../state-machine/render';
import { allSteps, steps } from '../../steps/registry';
import { missingGolden, newestGolden, readGoldens } from './goldens';
import { secretLookalikes, undeclaredFields } from './payload-checks';

/** Every golden payload file: what one step received and returned in a real local run (see steps/README.md). */
const goldens = readGoldens();

/** The goldens of known steps, with their step, as `[file, golden]` rows for `it.each`. */
const ofSteps = goldens.flatMap((golden) => (golden.step ? [[golden.file, { ...golden, step: golden.step }] as const] : []));

/** Each step's newest golden: the one the machine as it is now must still send. */
const newest = ofSteps.filter(([, golden]) => !ofSteps.some(([, other]) => other.step === golden.step && other.version > golden.version));

/** The fields the rendered machine sends each Task, by state name; absent when a Task gets its whole state. */
const sentFields = (): Map<string, string[]> =>
  new Map(
    allStates(renderAsl()).flatMap(([name, state]) => {
      const parameters = state.Parameters;
      return state.Type === 'Task' && parameters !== undefined
        ? [[name, Object.keys(parameters as object).map((key) => key.replace(/\.\$$/, '')).sort()] as const]
        : [];
    }),
  );

describe('golden step payloads (test/contract/steps/<dir>.vN.json)', () => {
  it('has a golden payload file for every step in allSteps', () => {
    // Act
    const uncovered = allSteps.filter((step) => newestGolden(step, goldens) === undefined).map(missingGolden);
    // Assess
    expect(uncovered).toEqual([]);
  });

  it('names a step of allSteps, under its own state name, in every golden file', () => {
    // Act
    const strays = goldens
      .filter((golden) => golden.step === undefined || golden.json.stateName !== golden.step.stateName)
      .map((golden) => `${golden.file}: stateName ${JSON.stringify(golden.json.stateName)}, step ${golden.step?.stateName ?? 'not in allSteps (file must be <dir>.vN.json)'}`);
    // Assess
    expect(strays).toEqual([]);
  });

  it.each(ofSteps)('%s: the input the machine sent decodes with the step input contract', (_file, golden) => {
    // Act
    const decoded = tryDecode(golden.step.input, golden.json.input);
    // Assess
    expect(decoded.ok ? [] : decoded.problems, `${golden.step.stateName} no longer accepts this input`).toEqual([]);
  });

  it.each(ofSteps)('%s: the output decodes with the step output contract and encodes back to the same JSON', (_file, golden) => {
    // Act
    const decoded = tryDecode(golden.step.output, golden.json.output);
    // Assess
    expect(decoded.ok ? [] : decoded.problems, `${golden.step.stateName} output contract no longer accepts this output`).toEqual([]);
    expect(decoded.ok && (golden.step.output as t.Mixed).encode(decoded.value)).toStrictEqual(golden.json.output);
  });

  it.each(ofSteps)('%s: the output holds no field the step output contract does not declare', (_file, golden) => {
    // Act
    const undeclared = undeclaredFields(golden.step.output, golden.json.output);
    // Assess
    expect(undeclared, `fields the ${golden.step.stateName} output contract dropped or renamed`).toEqual([]);
  });

  it('sends each Task exactly the input fields of its newest golden, as the rendered ASL Parameters say', () => {
    // Prepare
    const sent = sentFields();
    // Act
    const mismatches = newest.flatMap(([file, golden]) => {
      const fields = sent.get(golden.step.stateName);
      const recorded = Object.keys(golden.json.input as object).sort();
      // A Task without Parameters gets its whole state (a Map item, a poll's result): nothing to compare.
      return fields === undefined || fields.join() === recorded.join() ? [] : [`${file}: the machine sends ${fields.join(', ')}; the golden holds ${recorded.join(', ')}`];
    });
    // Assess
    expect([...sent.keys()]).toEqual(expect.arrayContaining([steps.extractItems.stateName, steps.normalise.stateName]));
    expect(mismatches).toEqual([]);
  });

  it('holds no token or secret in any golden payload', () => {
    // Act
    const findings = goldens.flatMap((golden) => secretLookalikes(golden.json).map((finding) => `${golden.file} ${finding}`));
    // Assess
    expect(findings, 'DESIGN §3: no secret and no access token in any state payload').toEqual([]);
  });
});

describe('secretLookalikes', () => {
  const accessToken = `BQD${'x7Kp2mQ9vR'.repeat(18)}-Zw`;

  it.each([
    ['a string under a key named accessToken', { accessToken: 'short-but-named' }, '$.accessToken: a key named like a secret'],
    ['a refresh_token nested in an array', { grants: [{ refresh_token: 'AQ-short' }] }, '$.grants[0].refresh_token: a key named like a secret'],
    ['a client secret', { clientSecret: 'abc' }, '$.clientSecret: a key named like a secret'],
    ['a bearer header in an error cause', { error: { Cause: 'GET /v1/me with Authorization: Bearer abcdefgh1234 failed' } }, '$.error.Cause: holds an Authorization header value'],
    ['a token inside a Lambda error cause written as JSON', { Cause: '{"errorMessage":"bad","token":"abc"}' }, '$.Cause(json).token: a key named like a secret'],
    ['a form body with an access token', { message: 'sent grant_type=refresh_token&access_token=abc' }, '$.message: holds a token or client secret written as key=value'],
    ['a JSON Web Token', { id: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl' }, '$.id: holds a JSON Web Token'],
    ['an access-token-length base64 string under an innocent key', { note: `took ${accessToken} from the cache` }, `$.note: holds a string of ${accessToken.length} characters in base64 letters`],
  ])('fails a payload holding %s', (_what, payload, finding) => {
    // Act
    const findings = secretLookalikes(payload);
    // Assess
    expect(findings).toEqual([expect.stringContaining(finding)]);
    expect(findings.join()).not.toContain('abcdefgh1234');
    expect(findings.join()).not.toContain(accessToken);
  });

  it.each([
    [`${steps.fetchToken.stateName}'s expiry under the state key token`, { token: { expiresAt: '2026-11-21T03:01:26.814Z' } }],
    ['a real 60-character Spotify snapshot id', { snapshotId: 'MTMxLDA4ZmZhZGYwOTJlMzNlMDYxN2QwZGExM2U2N2RlYWVhMTNmZTQ3ZjQ=' }],
    ['an Athena query id', { queryId: 'fb654b6b-f48a-46b0-a7e3-f9baaf315a79' }],
    ['a lake key', { key: 'raw/playlist_items/snapshot_date=2026-11-20/playlist_id=MtqrOpdoTK3xCXkzzNEZqs/page-000050.json' }],
    ['an error about an expired refresh token', { error: { Cause: '{"errorType":"SpotifyReauthRequiredError","errorMessage":"the refresh token was revoked; run spotify-etl auth login"}' } }],
  ])('passes %s', (_what, payload) => {
    // Act
    const findings = secretLookalikes(payload);
    // Assess
    expect(findings).toEqual([]);
  });
});

describe('undeclaredFields', () => {
  const Codec = t.intersection([
    t.exact(t.type({ cursor: t.type({ offset: t.number }), dates: t.array(t.type({ date: t.string })) })),
    t.partial({ error: t.union([t.null, t.type({ name: t.string })]) }),
  ]);

  it('fails a value with fields the codec does not declare, at any depth, through intersection, array and union', () => {
    // Prepare
    const value = { cursor: { offset: 0, total: 1 }, dates: [{ date: 'd' }, { date: 'd', extract: true }], error: { name: 'n', cause: 'c' }, pages: 1 };
    // Act
    const undeclared = undeclaredFields(Codec, value);
    // Assess
    expect(undeclared).toEqual(['$.cursor.total', '$.dates[1].extract', '$.error.cause', '$.pages']);
  });

  it('passes a value holding only declared fields, optional ones left out', () => {
    // Act
    const undeclared = undeclaredFields(Codec, { cursor: { offset: 0 }, dates: [] });
    // Assess
    expect(undeclared).toEqual([]);
  });
});
