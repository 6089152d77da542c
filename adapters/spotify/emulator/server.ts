/**
 * The Spotify emulator: a real HTTP server on 127.0.0.1 that behaves like the Web API and the
 * accounts service as of 2026 (docs/spotify-api.md): OAuth token grants with Basic auth and
 * OAuth-shaped errors, the consent redirect, playlists with a `fields` filter, paged items with
 * `limit` 1–50, 401/403/404 with Web API error bodies, a rolling-window rate limit and optional
 * quota, and deterministic fault injection. Local runs and tests talk to it over real HTTP.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpotifyCredentials } from '../../../core/ports';
import { builtInCatalog, emulatorUser } from './built-in-catalog';
import { itemsPage, playlistObject, toJsonBytes, type EmulatedCatalog, type Shape } from './catalog';
import { FaultPlan, parseFaults, type FaultKind } from './faults';
import { applyFields, FieldsSyntaxError, parseFields } from './fields-filter';
import { fixturesCatalog } from './fixtures';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** @default 0, an ephemeral port */
  port?: number;
  /** Serve the recorded responses in this folder instead of the built-in catalog. */
  fixturesDir?: string;
  /** `kind=probability,…` as `--faults`. @default none */
  faults?: string;
  /**
   * Whether `faults` also hit the token endpoint, with the kinds an accounts service can show
   * (429, 500, 503, reset, timeout; a token body is never truncated and has no token to expire).
   * @default true
   */
  tokenFaults?: boolean;
  /** Seeds the faults: the same seed injects the same faults into the same requests. @default 1 */
  seed?: number;
  /** Seeds the built-in catalog, apart from the faults, so a faults run reads the same playlists. @default 1 */
  catalogSeed?: number;
  /** The date the built-in catalog is served as (YYYY-MM-DD): its playlists change from date to date. @default unchanged */
  date?: string;
  /** Field names of the built-in catalog; fixtures keep their recorded shape. @default 'new' */
  shape?: Shape;
  /** A synthetic catalog of this size instead of the built-in playlists (benchmarks). */
  catalog?: { playlists: number; entriesPerPlaylist: number };
  /** The rolling-window rate limit on Web API requests; false turns it off. @default 600 requests per 30 s */
  rateLimit?: { maxRequests: number; windowSeconds: number } | false;
  /** After this many Web API requests every request is a 429 QUOTA_EXCEEDED. @default none */
  quota?: { maxRequests: number; retryAfterSeconds?: number };
  /** Issue a new refresh token on every refresh (and revoke the old one), as Spotify may. @default false */
  rotateRefreshTokens?: boolean;
  /** Lifetime of access tokens. @default 3600 */
  tokenLifetimeSeconds?: number;
}

/** One served playlist as the emulator command lists it. */
export interface EmulatedPlaylistSummary {
  readonly id: string;
  readonly name: string;
  readonly total: number;
  /** False for a playlist the consenting user neither owns nor collaborates on. */
  readonly readable: boolean;
}

/** A started emulator. */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT/v1` */
  readonly apiBaseUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly accountsBaseUrl: string;
  /** The emulator app's client id and secret, and a refresh token the playlist owner already consented with. */
  readonly credentials: SpotifyCredentials;
  /** The playlists the consenting user can read. */
  readonly playlistIds: readonly string[];
  /** Every playlist served, including those whose items the user may not read (403). */
  readonly playlists: readonly EmulatedPlaylistSummary[];
  /** Files skipped while loading fixtures. */
  readonly warnings: readonly string[];
  stats(): { tokenRequests: number; apiRequests: number; faultsInjected: number; faultsByKind: Partial<Record<FaultKind, number>> };
  /**
   * The owner withdraws the app's access (or the six months since consent run out): every refresh
   * token issued so far is refused with `invalid_grant` from now on, as Spotify does; a new
   * consent (`/authorize`) issues one that works.
   */
  revokeConsent(): void;
  close(): Promise<void>;
}

interface AccessGrant {
  readonly user: string | null;
  readonly expiresAt: number;
  used: number;
}

const json = (res: ServerResponse, status: number, body: unknown, options: { headers?: Record<string, string>; truncate?: boolean } = {}): void => {
  let bytes = toJsonBytes(body);
  if (options.truncate) bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length), ...options.headers });
  res.end(bytes);
};

const webApiError = (res: ServerResponse, status: number, message: string, extra: { reason?: string; headers?: Record<string, string> } = {}): void =>
  json(res, status, { error: { status, message, ...(extra.reason ? { reason: extra.reason } : {}) } }, { headers: extra.headers ?? {} });

const oauthError = (res: ServerResponse, status: number, error: string, description: string): void =>
  json(res, status, { error, error_description: description });

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const secret = (): string => randomBytes(24).toString('base64url');

/** Only `http://127.0.0.1:PORT/…` redirect URIs are accepted, as Spotify requires since 2025-11-27. */
const isLoopbackRedirect = (uri: string): boolean => {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port !== '';
  } catch {
    return false;
  }
};

/** Parses `?limit=` and `?offset=`: limit 1–50 (default 20), offset ≥ 0 (default 0). */
const paging = (params: URLSearchParams): { limit: number; offset: number } | string => {
  const limit = params.has('limit') ? Number(params.get('limit')) : 20;
  const offset = params.has('offset') ? Number(params.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return 'Invalid limit';
  if (!Number.isInteger(offset) || offset < 0) return 'Invalid offset';
  return { limit, offset };
};

/** Starts an emulator on 127.0.0.1. */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const seed = options.seed ?? 1;
  const faults = new FaultPlan(parseFaults(options.faults), seed);
  const catalog: EmulatedCatalog = options.fixturesDir
    ? await fixturesCatalog(options.fixturesDir)
    : builtInCatalog({ seed: options.catalogSeed ?? 1, shape: options.shape ?? 'new', synthetic: options.catalog, date: options.date });
  const rateLimit = options.rateLimit === undefined ? { maxRequests: 600, windowSeconds: 30 } : options.rateLimit;
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;

  const credentials = { clientId: `emulator-client-${seed}`, clientSecret: secret(), refreshToken: secret() };
  const refreshTokens = new Map<string, string>([[credentials.refreshToken, emulatorUser.id]]);
  const revokedRefreshTokens = new Set<string>();
  const accessTokens = new Map<string, AccessGrant>();
  const codes = new Map<string, { user: string; redirectUri: string }>();
  const recent: number[] = [];
  const held = new Set<ServerResponse>();
  const counters = { tokenRequests: 0, apiRequests: 0, faultsInjected: 0 };
  const faultsByKind: Partial<Record<FaultKind, number>> = {};
  const injected = (kind: FaultKind): void => {
    counters.faultsInjected += 1;
    faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
  };
  let apiBaseUrl = '';

  const issue = (user: string | null): string => {
    const token = secret();
    accessTokens.set(token, { user, expiresAt: Date.now() + lifetimeSeconds * 1000, used: 0 });
    return token;
  };

  const clientOf = (req: IncomingMessage, form: URLSearchParams): { id: string; secret: string } | undefined => {
    const header = req.headers.authorization ?? '';
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    }
    const id = form.get('client_id');
    const clientSecret = form.get('client_secret');
    return id !== null && clientSecret !== null ? { id, secret: clientSecret } : undefined;
  };

  const token = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.tokenRequests += 1;
    if (options.tokenFaults ?? true) {
      const fault = faults.draw(`${req.method} /api/token`);
      if (fault !== undefined && fault !== 'truncate' && fault !== 'expire-token') return inject(req, res, fault);
    }
    const form = new URLSearchParams(await readBody(req));
    const client = clientOf(req, form);
    if (!client || client.id !== credentials.clientId || client.secret !== credentials.clientSecret) {
      return oauthError(res, 400, 'invalid_client', 'Invalid client');
    }
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') {
      // Spotify's client-credentials answer spells the type in lower case; clients must not care.
      return json(res, 200, { access_token: issue(null), token_type: 'bearer', expires_in: lifetimeSeconds });
    }
    if (grant === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const user = refreshTokens.get(presented);
      if (revokedRefreshTokens.has(presented)) return oauthError(res, 400, 'invalid_grant', 'Refresh token revoked');
      if (user === undefined) return oauthError(res, 400, 'invalid_grant', 'Invalid refresh token');
      const body: Record<string, unknown> = { access_token: issue(user), token_type: 'Bearer', expires_in: lifetimeSeconds, scope: 'playlist-read-private playlist-read-collaborative' };
      if (options.rotateRefreshTokens) {
        const next = secret();
        refreshTokens.delete(presented);
        refreshTokens.set(next, user);
        body.refresh_token = next;
      }
      return json(res, 200, body);
    }
    if (grant === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code) return oauthError(res, 400, 'invalid_grant', 'Invalid authorization code');
      if (code.redirectUri !== form.get('redirect_uri')) return oauthError(res, 400, 'invalid_grant', 'Invalid redirect URI');
      const refreshToken = secret();
      refreshTokens.set(refreshToken, code.user);
      return json(res, 200, {
        access_token: issue(code.user),
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        refresh_token: refreshToken,
        scope: 'playlist-read-private playlist-read-collaborative',
      });
    }
    return oauthError(res, 400, 'unsupported_grant_type', grant === null ? 'grant_type parameter is missing' : `grant_type ${grant} is not supported`);
  };

  const authorize = (params: URLSearchParams, res: ServerResponse): void => {
    const redirectUri = params.get('redirect_uri') ?? '';
    const text = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(message);
    };
    if (params.get('client_id') !== credentials.clientId) return text(400, 'INVALID_CLIENT: Invalid client');
    if (!isLoopbackRedirect(redirectUri)) return text(400, 'INVALID_CLIENT: Invalid redirect URI (use http://127.0.0.1:PORT/...)');
    const target = new URL(redirectUri);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    if (params.get('response_type') !== 'code') {
      target.searchParams.set('error', 'unsupported_response_type');
    } else {
      // The emulator's owner consents at once: there is no one to click "Agree".
      const code = secret();
      codes.set(code, { user: emulatorUser.id, redirectUri });
      target.searchParams.set('code', code);
    }
    res.writeHead(302, { location: target.toString() });
    res.end();
  };

  /** Quota, rate limit and faults, in that order; returns what the request may still do. */
  const gate = (req: IncomingMessage, res: ServerResponse, target: string): { truncate: boolean; expire: boolean } | undefined => {
    if (options.quota && counters.apiRequests > options.quota.maxRequests) {
      const wait = String(options.quota.retryAfterSeconds ?? 86_400);
      webApiError(res, 429, 'API rate limit exceeded', { reason: 'QUOTA_EXCEEDED', headers: { 'retry-after': wait } });
      return undefined;
    }
    if (rateLimit) {
      const now = Date.now();
      const windowMs = rateLimit.windowSeconds * 1000;
      while (recent.length > 0 && (recent[0] ?? 0) <= now - windowMs) recent.shift();
      if (recent.length >= rateLimit.maxRequests) {
        const wait = Math.max(1, Math.ceil(((recent[0] ?? now) + windowMs - now) / 1000));
        webApiError(res, 429, 'API rate limit exceeded', { headers: { 'retry-after': String(wait) } });
        return undefined;
      }
      recent.push(now);
    }
    const fault: FaultKind | undefined = faults.draw(`${req.method} ${target}`);
    if (fault === undefined || fault === 'truncate' || fault === 'expire-token') {
      return { truncate: fault === 'truncate', expire: fault === 'expire-token' };
    }
    inject(req, res, fault);
    return undefined;
  };

  /** Answers with a fault that replaces the whole answer. */
  const inject = (req: IncomingMessage, res: ServerResponse, fault: Exclude<FaultKind, 'truncate' | 'expire-token'>): void => {
    injected(fault);
    switch (fault) {
      case '429':
        webApiError(res, 429, 'API rate limit exceeded', { headers: { 'retry-after': String(faults.retryAfterSeconds) } });
        break;
      case '500':
        webApiError(res, 500, 'Server error.');
        break;
      case '503':
        webApiError(res, 503, 'Service unavailable');
        break;
      case 'reset':
        req.socket.destroy();
        break;
      case 'timeout':
        // Never answered: the client's own timeout must fire. Released when the client gives up or the emulator closes.
        held.add(res);
        res.on('close', () => held.delete(res));
        break;
    }
  };

  const api = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    counters.apiRequests += 1;
    const allowed = gate(req, res, `${url.pathname}${url.search}`);
    if (!allowed) return;
    const header = req.headers.authorization ?? '';
    const presented = /^bearer /i.test(header) ? header.slice(7).trim() : '';
    if (presented === '') return webApiError(res, 401, 'No token provided');
    const grant = accessTokens.get(presented);
    if (!grant) return webApiError(res, 401, 'Invalid access token');
    // A token is never expired by a fault before its first use: a fresh token from a refresh must work.
    if (grant.expiresAt <= Date.now() || (allowed.expire && grant.used > 0)) {
      if (allowed.expire) injected('expire-token');
      accessTokens.delete(presented);
      return webApiError(res, 401, 'The access token expired');
    }
    grant.used += 1;
    if (allowed.truncate) injected('truncate');
    const ok = (body: unknown) => json(res, 200, body, { truncate: allowed.truncate });

    const route = /^\/v1\/playlists\/([^/]+)(\/items|\/tracks)?\/?$/.exec(url.pathname);
    if (!route?.[1]) return webApiError(res, 404, 'Service not found');
    const playlist = catalog.playlists.get(decodeURIComponent(route[1]));
    if (!playlist) return webApiError(res, 404, 'Resource not found');
    const mayRead = playlist.readable && grant.user !== null;
    let body: unknown;
    if (route[2] === undefined) {
      body = playlistObject(apiBaseUrl, playlist, mayRead);
    } else {
      const endpoint = route[2] === '/items' ? 'items' : 'tracks';
      // `/tracks` was removed for new apps in February 2026; it stays only where its names are served.
      if (endpoint === 'tracks' && !playlist.pageKeys.includes('tracks')) return webApiError(res, 403, 'Forbidden');
      if (!mayRead) return webApiError(res, 403, 'Forbidden');
      const page = paging(url.searchParams);
      if (typeof page === 'string') return webApiError(res, 400, page);
      body = itemsPage(apiBaseUrl, playlist, page.offset, page.limit, endpoint);
    }
    const fields = url.searchParams.get('fields');
    if (fields) {
      try {
        body = applyFields(body, parseFields(fields));
      } catch (error) {
        if (error instanceof FieldsSyntaxError) return webApiError(res, 400, error.message);
        throw error;
      }
    }
    return ok(body);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handle = async (): Promise<void> => {
      if (url.pathname === '/api/token') {
        if (req.method !== 'POST') return webApiError(res, 405, 'Method not allowed');
        return token(req, res);
      }
      if (req.method !== 'GET') return webApiError(res, 405, 'Method not allowed');
      if (url.pathname === '/authorize') return authorize(url.searchParams, res);
      return api(req, res, url);
    };
    handle().catch(() => {
      if (!res.headersSent) webApiError(res, 500, 'Server error.');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const accountsBaseUrl = `http://127.0.0.1:${port}`;
  apiBaseUrl = `${accountsBaseUrl}/v1`;

  return {
    apiBaseUrl,
    accountsBaseUrl,
    credentials,
    playlistIds: catalog.readableIds,
    playlists: [...catalog.playlists.values()].map(({ id, metadata, total, readable }) => ({
      id,
      name: typeof metadata.name === 'string' ? metadata.name : id,
      total,
      readable,
    })),
    warnings: catalog.warnings,
    stats: () => ({ ...counters, faultsByKind: { ...faultsByKind } }),
    revokeConsent: () => {
      for (const token of refreshTokens.keys()) revokedRefreshTokens.add(token);
      refreshTokens.clear();
    },
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
