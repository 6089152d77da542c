/**
 * The one-time Authorization Code consent (docs/spotify-api.md §1): a loopback listener on
 * `http://127.0.0.1:PORT/callback` (Spotify refuses `localhost` since 2025-11-27) receives the
 * browser's redirect, checks `state` against the one sent, and trades the code for a refresh token.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpotifyAuthError } from '../../core/errors';
import type { HttpOptions } from './http';
import { authorizeUrl, exchangeAuthorizationCode } from './spotify-token-client';

/** Options of {@link consentOnLoopback}. */
export interface LoopbackConsentOptions extends HttpOptions {
  readonly accountsBaseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The loopback port; 0 picks a free one. */
  readonly port: number;
  /** Told the URL the owner must open, and the redirect URI the app must have registered. */
  readonly onAuthorizeUrl: (url: string, redirectUri: string) => void;
  /** Resolves when the user gives up (Ctrl-C): the consent then ends as cancelled. */
  readonly stopped: Promise<void>;
}

/** How a consent ended. */
export type ConsentOutcome = { readonly refreshToken: string } | { readonly cancelled: true };

const page = (res: ServerResponse, status: number, text: string): void => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(`${text}\n`);
};

/** Thrown when the port is taken; the message says how to pick another. */
const listenError = (port: number, error: unknown): Error =>
  (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    ? new SpotifyAuthError(`Port ${port} on 127.0.0.1 is in use: pass another with --port, and register http://127.0.0.1:PORT/callback as a Redirect URI of the app.`)
    : (error as Error);

/** Waits for the owner's consent and returns the refresh token (or that the user cancelled). */
export const consentOnLoopback = async (options: LoopbackConsentOptions): Promise<ConsentOutcome> => {
  const state = randomBytes(16).toString('hex');
  let settle: (outcome: ConsentOutcome | Error) => void = () => undefined;
  const done = new Promise<ConsentOutcome | Error>((resolve) => {
    settle = resolve;
  });
  let redirectUri = '';

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return page(res, 404, 'Not the consent callback.');
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (url.searchParams.get('state') !== state) {
      page(res, 400, 'This callback does not belong to the running `spotify-etl auth login` (state mismatch).');
      return settle(new SpotifyAuthError('The consent callback carried a different `state` than the one sent, so it was refused (it may be stale or forged). Run `spotify-etl auth login` again.'));
    }
    if (error !== null || code === null) {
      page(res, 400, `Consent was not given (${error ?? 'no code'}).`);
      return settle(new SpotifyAuthError(`Spotify did not grant consent (${error ?? 'no code in the callback'}): run \`spotify-etl auth login\` again and choose "Agree".`));
    }
    exchangeAuthorizationCode({ ...options, code, redirectUri }).then(
      ({ refreshToken }) => {
        page(res, 200, 'Consent received: spotify-etl stored it. You can close this tab.');
        settle({ refreshToken });
      },
      (failure: unknown) => {
        page(res, 502, 'Spotify refused the consent code; see the terminal.');
        settle(failure instanceof Error ? failure : new Error(String(failure)));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(options.port, error)));
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  try {
    redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    options.onAuthorizeUrl(authorizeUrl({ accountsBaseUrl: options.accountsBaseUrl, clientId: options.clientId, redirectUri, state }), redirectUri);
    const outcome = await Promise.race([done, options.stopped.then((): ConsentOutcome => ({ cancelled: true }))]);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  } finally {
    // Let the browser's answer finish (it asked to close its connection), then force what is left.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
    await closed;
  }
};
