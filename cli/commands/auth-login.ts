/**
 * `spotify-etl auth login [--port N] [--lake DIR] [--credentials FILE]`: the one-time consent of
 * the playlists' owner (Authorization Code flow with a loopback redirect). Reads the app's
 * SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (and SPOTIFY_ACCOUNTS_BASE_URL) from the
 * environment and stores them with the refresh token in a 0600 file, by default
 * `<lake>/.state/credentials.json`.
 */
import { credentialsPath, FileCredentialsStore } from '../../adapters/local/file-secrets';
import { consentOnLoopback } from '../../adapters/spotify/loopback-consent';
import { ErrorName } from '../../core/errors';
import { integerOption, parseOptions, UsageError, type Command } from '../command';
import { lakeFolderOption, LakeFolderError, localPathOption, prepareLake } from '../local/lake-folder';

/** `spotify-etl auth login --help`. */
export const authLoginHelp = `usage: spotify-etl auth login [--port N] [--lake DIR] [--credentials FILE]

The one-time consent of the Spotify account that owns (or collaborates on) the playlists, for
\`spotify-etl run --source spotify\` and the deployed pipeline. Needs SPOTIFY_CLIENT_ID and
SPOTIFY_CLIENT_SECRET of your app (developer.spotify.com) in the environment; prints a URL to open
in a browser and stores the app credentials with the refresh token in a 0600 file.

  --port N            the port of the app's Redirect URI http://127.0.0.1:N/callback (default 8888)
  --lake DIR          store under DIR/.state/credentials.json (default ./lake)
  --credentials FILE  store in FILE instead
  --help              this help

Step by step: docs/deploy.md.`;

/** The port of the Redirect URI `http://127.0.0.1:8888/callback` registered in the app by default. */
const defaultPort = 8888;

const spotifyErrors = new Set<string>(Object.values(ErrorName));

/** Runs the consent and stores its refresh token. */
export const authLogin: Command = async (args, io) => {
  const { values } = parseOptions(args, { port: { type: 'string' }, lake: { type: 'string' }, credentials: { type: 'string' } });
  const port = values.port === undefined ? defaultPort : integerOption('--port', values.port, 0, 65_535);
  const clientId = io.env.SPOTIFY_CLIENT_ID?.trim();
  const clientSecret = io.env.SPOTIFY_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret) {
    const missing = [clientId ? '' : 'SPOTIFY_CLIENT_ID', clientSecret ? '' : 'SPOTIFY_CLIENT_SECRET'].filter(Boolean).join(' and ');
    throw new UsageError(`auth login needs ${missing} in the environment: copy them from your app on developer.spotify.com (Dashboard → app → Settings)`);
  }
  const accountsBaseUrl = io.env.SPOTIFY_ACCOUNTS_BASE_URL?.trim() || 'https://accounts.spotify.com';
  const lake = lakeFolderOption(io.cwd, values.lake);
  const store = new FileCredentialsStore(values.credentials === undefined ? credentialsPath(lake) : localPathOption('--credentials', io.cwd, values.credentials));
  if (values.credentials === undefined) {
    // Before the consent, not after: a lake that cannot hold the token would waste the owner's click.
    try {
      await prepareLake(lake);
    } catch (error) {
      if (!(error instanceof LakeFolderError)) throw error;
      io.err.write(`spotify-etl auth login: ${error.message}\n`);
      return 1;
    }
  }
  try {
    const outcome = await consentOnLoopback({
      accountsBaseUrl,
      clientId,
      clientSecret,
      port,
      stopped: io.stopped,
      onAuthorizeUrl: (url, redirectUri) => {
        io.err.write(
          [
            'Open this URL in a browser, signed in as the Spotify account that owns (or collaborates on) the playlists, and choose "Agree":',
            `  ${url}`,
            `Waiting for Spotify to redirect to ${redirectUri} (it must be listed under Redirect URIs in the app's settings) …`,
            '',
          ].join('\n'),
        );
      },
    });
    if ('cancelled' in outcome) {
      io.err.write('spotify-etl auth login: cancelled; nothing was stored.\n');
      return 130;
    }
    // The consent starts the refresh token's six months: its age counts from now.
    await store.write({ clientId, clientSecret, refreshToken: outcome.refreshToken, refreshTokenFirstSeen: new Date() });
    io.out.write(
      `Saved the Spotify app credentials and the owner's refresh token to ${store.location} (mode 0600). Local runs with --source spotify use them; for AWS, put the same values in the credentials secret (docs/deploy.md).\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof Error && spotifyErrors.has(error.name)) {
      io.err.write(`spotify-etl auth login: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
