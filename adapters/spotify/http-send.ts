/**
 * One HTTP request over Node's own client, its answer or a sanitised failure: all adapters/spotify/http.ts
 * needs of a client, since every retry, redirect rule and status mapping is its own. got did this
 * before and cost about twice the CPU per request (a run's 400 page requests: 0.9 s against 0.4 s,
 * docs/performance.md) and 85 ms of a Lambda's cold start for options nothing here uses. The
 * module is still loaded on the first request only (see http.ts).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import type { HttpRequest } from './http';

/** One request's answer (any status), or a description of why none came that carries nothing of the request (its Authorization header included). */
export type Sent = { readonly response: { status: number; headers: Record<string, string | string[] | undefined>; body: Uint8Array } } | { readonly failure: string };

/** A page of 50 entries is about 100 kB of JSON and a tenth of that gzipped: asked for, as got asked. */
const decoders: Readonly<Record<string, (bytes: Buffer) => Promise<Buffer>>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** Why no answer came, from Node's error: its code only, never its message (which may quote the URL). */
const failureOf = (error: unknown): string => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `connection failed (${code})` : 'connection failed';
};

/** The body of `response`, whole, as sent before any content encoding. */
const bodyOf = async (response: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return bytes;
  const decode = decoders[encoding];
  if (!decode) throw Object.assign(new Error('unsupported content encoding'), { code: `content-encoding ${encoding}` });
  return decode(bytes);
};

/**
 * Sends `request` once, with no redirect followed; any status is an answer. `timeoutMs` bounds the
 * whole exchange, body included, as got's `timeout.request` did; `signal` aborts it (a stopped
 * local run).
 */
export const sendOnce = (request: HttpRequest, timeoutMs: number, signal?: AbortSignal): Promise<Sent> =>
  new Promise<Sent>((resolve) => {
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (sent: Sent): void => {
      clearTimeout(timer);
      resolve(sent);
    };
    const failed = (error: unknown): void => settle({ failure: timedOut ? `no answer within ${timeoutMs} ms` : failureOf(error) });
    try {
      const url = new URL(request.url);
      if (request.searchParams) for (const [name, value] of Object.entries(request.searchParams)) url.searchParams.set(name, value);
      const body = request.form ? Buffer.from(new URLSearchParams(request.form).toString()) : undefined;
      const headers: Record<string, string> = {
        'accept-encoding': 'gzip',
        ...request.headers,
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.byteLength) } : {}),
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const outgoing = send(url, { method: request.method, headers, ...(signal ? { signal } : {}) }, (response) => {
        bodyOf(response).then((bytes) => settle({ response: { status: response.statusCode ?? 0, headers: response.headers, body: bytes } }), failed);
      });
      // Destroying the request errors it, or its response mid-body: either ends here as the timeout.
      timer = setTimeout(() => {
        timedOut = true;
        outgoing.destroy();
      }, timeoutMs);
      outgoing.on('error', failed);
      outgoing.end(body);
    } catch (error) {
      // A URL or header Node refuses before sending (its message may quote the value: only the code is kept).
      failed(error);
    }
  });
