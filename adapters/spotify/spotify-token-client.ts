/**
 * Spotify's accounts service: trades the stored credentials for an access token
 * (`refresh_token` grant by default, `client_credentials` for Extended-Quota apps), and the
 * one-time authorisation code for a refresh token (`auth login`). See docs/spotify-api.md §1–2.
 */
import { systemClock } from '../../core/dates';
import { decodeOrThrow, tryDecode } from '../../core/decode';
import { SpotifyAuthError, SpotifyReauthRequiredError, UpstreamSchemaChangedError } from '../../core/errors';
import type { AccessToken, Clock, CredentialsStore, IssuedToken, SpotifyAuth, SpotifyCredentials } from '../../core/ports';
import { reconsentRunbook, refreshTokenAgeDays } from '../../core/reconsent';
import { OAuthError, TokenResponse } from '../../core/spotify/codecs';
import { httpSettings, requestJson, type HttpOptions, type HttpSettings } from './http';

/** The grant used to get access tokens. */
export type SpotifyGrant = 'refresh_token' | 'client_credentials';

/** The scopes the playlist owner consents to once. */
export const consentScopes = ['playlist-read-private', 'playlist-read-collaborative'] as const;

/** Removes every occurrence of the secrets from `text`: defence in depth for server-provided text. */
const redact = (text: string, secrets: readonly (string | undefined)[]): string =>
  secrets.reduce<string>((out, secret) => (secret && secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text);

const reconsent = `Run \`spotify-etl auth login\` as the playlists' owner to consent again, then store the new credentials: ${reconsentRunbook}.`;

interface TokenExchange {
  readonly accountsBaseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly form: Readonly<Record<string, string>>;
  readonly settings: HttpSettings;
  readonly clock: Clock;
}

/** POSTs one token request and maps its OAuth errors to ours; secrets never reach a message. */
const exchange = async (request: TokenExchange): Promise<{ token: AccessToken; refreshToken?: string | undefined }> => {
  const secrets = [request.clientSecret, request.form.refresh_token, request.form.code];
  const basic = Buffer.from(`${request.clientId}:${request.clientSecret}`).toString('base64');
  const response = await requestJson(
    {
      method: 'POST',
      url: `${request.accountsBaseUrl.replace(/\/+$/, '')}/api/token`,
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      form: request.form,
    },
    request.settings,
    `asking Spotify's accounts service for a token (grant ${request.form.grant_type})`,
  );
  if (response.status !== 200) {
    const oauth = tryDecode(OAuthError, response.json);
    const code = oauth.ok ? oauth.value.error : `HTTP ${response.status}`;
    // On one line, whatever the server wrote: the message is one line of a summary or a log.
    const said = oauth.ok && oauth.value.error_description ? `: ${redact(oauth.value.error_description, secrets).replace(/\s+/g, ' ').trim()}` : '';
    if (code === 'invalid_grant') {
      const what = request.form.grant_type === 'authorization_code' ? 'the authorisation code' : 'the stored refresh token';
      throw new SpotifyReauthRequiredError(
        `Spotify refused ${what} (invalid_grant${said}); refresh tokens expire 6 months after consent or when access is revoked. ${reconsent}`,
      );
    }
    if (code === 'invalid_client') {
      throw new SpotifyAuthError(
        `Spotify refused the app's client id or secret (invalid_client${said}): check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, or the stored credentials, against the app on developer.spotify.com.`,
      );
    }
    throw new SpotifyAuthError(
      `Spotify's accounts service refused the token request (${code}${said}, HTTP ${response.status}): check the credentials and SPOTIFY_ACCOUNTS_BASE_URL.`,
    );
  }
  const body = decodeOrThrow(TokenResponse, response.json, (problems) =>
    new UpstreamSchemaChangedError(`Spotify's token response no longer has the expected shape (${problems.join('; ')}): update core/spotify/codecs.ts.`),
  );
  if (body.token_type.toLowerCase() !== 'bearer') {
    throw new UpstreamSchemaChangedError(
      `Spotify issued a token of type "${body.token_type}", not a Bearer token: the accounts service changed; update adapters/spotify/spotify-token-client.ts.`,
    );
  }
  return {
    token: { value: body.access_token, expiresAt: new Date(request.clock.now().getTime() + body.expires_in * 1000) },
    refreshToken: body.refresh_token,
  };
};

/** Options of {@link SpotifyTokenClient}. */
export interface SpotifyTokenClientOptions extends HttpOptions {
  /** `https://accounts.spotify.com`, or the emulator's. */
  readonly accountsBaseUrl: string;
  readonly credentials: CredentialsStore;
  readonly grant: SpotifyGrant;
  /** @default the system clock */
  readonly clock?: Clock;
}

/** Gets access tokens from Spotify's accounts service, keeps a rotated refresh token and reports its age (core/reconsent.ts). */
export class SpotifyTokenClient implements SpotifyAuth {
  private readonly settings: HttpSettings;

  public constructor(private readonly options: SpotifyTokenClientOptions) {
    this.settings = httpSettings(options);
  }

  public async fetchAccessToken(): Promise<IssuedToken> {
    const credentials = await this.options.credentials.read();
    try {
      return await this.exchangeStored(credentials);
    } catch (error) {
      // Another Lambda may have rotated the refresh token between our read and our request, and
      // Spotify then refuses the old one: the stored token is read again and tried once. Still
      // racy when that Lambda has not saved the new token yet; rotation is rare, and a refused
      // token asks for `auth login` anyway.
      if (!(error instanceof SpotifyReauthRequiredError) || this.options.grant !== 'refresh_token' || !credentials.refreshToken) throw error;
      const reread = await this.options.credentials.read();
      if (!reread.refreshToken || reread.refreshToken === credentials.refreshToken) throw error;
      return this.exchangeStored(reread);
    }
  }

  /** One token request with `credentials`; keeps a refresh token Spotify rotated and dates the one in use. */
  private async exchangeStored(credentials: SpotifyCredentials): Promise<IssuedToken> {
    if (this.options.grant === 'client_credentials') {
      return (await this.tokenRequest(credentials, { grant_type: 'client_credentials' })).token;
    }
    const stored = credentials.refreshToken;
    if (!stored) {
      throw new SpotifyReauthRequiredError(`No Spotify refresh token is stored with the app credentials. ${reconsent}`);
    }
    const { token, refreshToken } = await this.tokenRequest(credentials, { grant_type: 'refresh_token', refresh_token: stored });
    // Dated only after Spotify accepted it: a refused token is not worth a write.
    const now = this.clock.now();
    let firstSeen = credentials.refreshTokenFirstSeen;
    if (refreshToken !== undefined && refreshToken !== stored) {
      // Spotify rotated it; the old one may stop working, so the new one must be kept, and its age starts now.
      firstSeen = now;
      await this.options.credentials.saveRefreshToken(refreshToken, firstSeen);
    } else if (firstSeen === undefined) {
      // Without a new one the stored token stays as it is; credentials older than the date get one now.
      firstSeen = now;
      await this.options.credentials.recordRefreshTokenFirstSeen(stored, firstSeen);
    }
    return { ...token, refreshTokenAgeDays: refreshTokenAgeDays(firstSeen, now) };
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /** One token request with these credentials and form, at this client's settings and clock. */
  private tokenRequest(credentials: SpotifyCredentials, form: Record<string, string>): ReturnType<typeof exchange> {
    return exchange({
      accountsBaseUrl: this.options.accountsBaseUrl,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      form,
      settings: this.settings,
      clock: this.clock,
    });
  }
}

/** The URL the playlist owner opens to consent (Authorization Code flow). */
export const authorizeUrl = (options: { accountsBaseUrl: string; clientId: string; redirectUri: string; state: string }): string => {
  const url = new URL(`${options.accountsBaseUrl.replace(/\/+$/, '')}/authorize`);
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('scope', consentScopes.join(' '));
  url.searchParams.set('state', options.state);
  return url.toString();
};

/** Trades the code from the consent redirect for tokens; returns the refresh token to store. */
export const exchangeAuthorizationCode = async (
  options: HttpOptions & { accountsBaseUrl: string; clientId: string; clientSecret: string; code: string; redirectUri: string },
): Promise<{ refreshToken: string; accessToken: AccessToken }> => {
  const { token, refreshToken } = await exchange({
    accountsBaseUrl: options.accountsBaseUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    form: { grant_type: 'authorization_code', code: options.code, redirect_uri: options.redirectUri },
    settings: httpSettings(options),
    clock: systemClock,
  });
  if (refreshToken === undefined) {
    throw new UpstreamSchemaChangedError('Spotify answered the authorisation code without a refresh token: the accounts service changed; consent cannot be stored.');
  }
  return { refreshToken, accessToken: token };
};
