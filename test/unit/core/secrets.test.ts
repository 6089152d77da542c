import { describe, expect, it } from 'vitest';
import { tryDecode } from '../../../core/decode';
import { StoredCredentials, storedToken, tokenFromStored } from '../../../core/secrets';

describe('the stored Spotify secrets', () => {
  it('reads back the token it stores, expiry included', () => {
    // Prepare
    const token = { value: 'access-1', expiresAt: new Date('2026-11-20T07:00:00.000Z') };

    // Act
    const read = tokenFromStored(JSON.parse(JSON.stringify(storedToken(token))));

    // Assess
    expect(storedToken(token)).toEqual({ accessToken: 'access-1', expiresAt: '2026-11-20T07:00:00.000Z' });
    expect(read).toEqual(token);
  });

  it.each([
    ['a placeholder', { placeholder: true }],
    ['an expiry that is not a date', { accessToken: 'a', expiresAt: 'tomorrow' }],
    ['no JSON object', 'token'],
  ])('reads no token from %s, so a new one is fetched', (_, json) => {
    expect(tokenFromStored(json)).toBeUndefined();
  });

  it('reads credentials with and without a refresh token, and fails ones without a client secret, naming the path', () => {
    expect(tryDecode(StoredCredentials, { clientId: 'id', clientSecret: 's' })).toEqual({ ok: true, value: { clientId: 'id', clientSecret: 's' } });
    expect(tryDecode(StoredCredentials, { clientId: 'id', clientSecret: 's', refreshToken: 'r' })).toMatchObject({ ok: true });
    expect(tryDecode(StoredCredentials, { clientId: 'id' })).toEqual({ ok: false, problems: ['$.clientSecret: expected string, got undefined'] });
  });
});
