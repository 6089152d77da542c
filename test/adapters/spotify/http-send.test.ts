import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { sendOnce } from '../../../adapters/spotify/http-send';

/** What the server below saw of one request. */
interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

/** A real server on 127.0.0.1 that answers every request with `answer`, and what it saw. */
const serve = async (answer: (res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> => {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
};

const secretHeaders = { authorization: 'Bearer sekrit-token-123' };

describe('one HTTP request to Spotify (http-send)', () => {
  it('sends the query and headers given, asks for gzip, and hands back the status, headers and body as sent', async () => {
    // Prepare
    const { url, seen } = await serve((res) => {
      res.writeHead(404, { 'content-type': 'application/json', 'x-seen': 'yes' });
      res.end('{"error":{"status":404}}');
    });
    // Act
    const sent = await sendOnce({ method: 'GET', url: `${url}/v1/playlists/p1`, headers: secretHeaders, searchParams: { fields: 'id,items(total)', limit: '50' } }, 5_000);
    // Assess
    expect(seen[0]?.url).toBe('/v1/playlists/p1?fields=id%2Citems%28total%29&limit=50');
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer sekrit-token-123', 'accept-encoding': 'gzip' });
    expect('response' in sent && sent.response.status).toBe(404);
    expect('response' in sent && sent.response.headers['x-seen']).toBe('yes');
    expect('response' in sent && Buffer.from(sent.response.body).toString()).toBe('{"error":{"status":404}}');
  });

  it('posts a form as application/x-www-form-urlencoded', async () => {
    // Prepare
    const { url, seen } = await serve((res) => res.end('{}'));
    // Act
    await sendOnce({ method: 'POST', url: `${url}/api/token`, headers: {}, form: { grant_type: 'refresh_token', refresh_token: 'r t&=' } }, 5_000);
    // Assess
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(seen[0]?.body).get('refresh_token')).toBe('r t&=');
  });

  it('decompresses a gzipped body, as Spotify sends it to a client that asks', async () => {
    // Prepare
    const page = JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ i })), total: 50 });
    const { url } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(page));
    });
    // Act
    const sent = await sendOnce({ method: 'GET', url, headers: {} }, 5_000);
    // Assess
    expect('response' in sent && Buffer.from(sent.response.body).toString()).toBe(page);
  });

  it('hands on an empty body marked gzip as empty, so a 429 behind such a proxy keeps its Retry-After', async () => {
    // Prepare
    const { url } = await serve((res) => {
      res.writeHead(429, { 'retry-after': '7', 'content-encoding': 'gzip', 'content-length': '0' });
      res.end();
    });
    // Act
    const sent = await sendOnce({ method: 'GET', url, headers: {} }, 5_000);
    // Assess
    expect('response' in sent && [sent.response.status, sent.response.headers['retry-after'], sent.response.body.byteLength]).toEqual([429, '7', 0]);
  });

  it('hands on a body in an encoding it did not ask for as sent, keeping the status, as got did', async () => {
    // Prepare
    const { url } = await serve((res) => {
      res.writeHead(401, { 'content-encoding': 'x-unheard-of'.repeat(20) });
      res.end('{"error":{"status":401}}');
    });
    // Act
    const sent = await sendOnce({ method: 'GET', url, headers: {} }, 5_000);
    // Assess
    expect('response' in sent && [sent.response.status, Buffer.from(sent.response.body).toString()]).toEqual([401, '{"error":{"status":401}}']);
  });

  it('fails a body that would decompress beyond what any page holds, by its code, before it fills the memory', async () => {
    // Prepare: 64 MiB of zeros, about 64 kB gzipped.
    const bomb = gzipSync(Buffer.alloc(64 * 2 ** 20));
    const { url } = await serve((res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    // Act
    const sent = await sendOnce({ method: 'GET', url, headers: {} }, 10_000);
    // Assess
    expect(sent).toEqual({ failure: 'connection failed (ERR_BUFFER_TOO_LARGE)' });
  });

  it('fails a body larger than any page by its code, before it fills the memory', async () => {
    // Prepare: 33 MiB, sent as it is.
    const { url } = await serve((res) => res.end(Buffer.alloc(33 * 2 ** 20, 32)));
    // Act
    const sent = await sendOnce({ method: 'GET', url, headers: {} }, 10_000);
    // Assess
    expect(sent).toEqual({ failure: 'connection failed (ERR_BODY_TOO_LARGE)' });
  });

  it('gives up on an answer whose body stops half way, as no answer within the timeout', async () => {
    // Prepare: the headers and half the body, then nothing.
    const { url } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"items":[');
    });
    // Act
    const sent = await sendOnce({ method: 'GET', url, headers: secretHeaders }, 300);
    // Assess
    expect(sent).toEqual({ failure: 'no answer within 300 ms' });
  });

  it('says the connection failed, with the code only, when nothing listens, and quotes nothing of the request', async () => {
    // Prepare: a port that was open a moment ago.
    const { url } = await serve((res) => res.end());
    await servers.splice(0)[0]?.();
    // Act
    const sent = await sendOnce({ method: 'GET', url: `${url}/v1/playlists/p1?x=1`, headers: secretHeaders }, 5_000);
    // Assess
    expect(sent).toEqual({ failure: 'connection failed (ECONNREFUSED)' });
  });

  it('says the connection failed when the server drops it mid-body', async () => {
    // Prepare
    const { url } = await serve((res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"items":[', () => res.socket?.destroy());
    });
    // Act
    const sent = await sendOnce({ method: 'GET', url, headers: secretHeaders }, 5_000);
    // Assess
    expect(sent).toEqual({ failure: expect.stringMatching(/^connection failed/) });
  });

  it('refuses a header Node cannot send as a failed connection, without quoting its value', async () => {
    // Act
    const sent = await sendOnce({ method: 'GET', url: 'http://127.0.0.1:9/', headers: { authorization: 'Bearer sekrit\n-token' } }, 5_000);
    // Assess
    expect(sent).toEqual({ failure: 'connection failed (ERR_INVALID_CHAR)' });
  });

  it('ends at once when the run is stopped', async () => {
    // Prepare: a server that never answers.
    const { url } = await serve(() => undefined);
    const stop = new AbortController();
    // Act
    const sending = sendOnce({ method: 'GET', url, headers: {} }, 60_000, stop.signal);
    setTimeout(() => stop.abort(), 50);
    // Assess
    expect(await sending).toEqual({ failure: 'connection failed (ABORT_ERR)' });
  });
});
