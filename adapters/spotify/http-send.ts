/**
 * One HTTP request over Node's own client, its answer or a sanitised failure: all adapters/spotify/http.ts
 * needs of a client, since every retry, redirect rule and status mapping is its own. got did this
 * before and cost about twice the CPU per request (a run's 400 page requests: 0.9 s against 0.4 s),
 * 185 kB of each Spotify step's bundle and about 40 ms of its cold import (docs/performance.md),
 * for options nothing here uses. The module is still loaded on the first request only (see http.ts).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import type { HttpRequest } from './http';

/** One request's answer (any status), or a description of why none came that carries nothing of the request (its Authorization header included). */
export type Sent = { readonly response: { status: number; headers: Record<string, string | string[] | undefined>; body: Uint8Array } } | { readonly failure: string };

/** A page of 50 entries is about 100 kB of JSON and a tenth of that gzipped: asked for, as got asked. */
const decoders: Readonly<Record<string, (bytes: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/**
 * The most a body may hold, sent or decompressed: a page of 50 entries is at most a few hundred kB,
 * so a larger one is a fault (or a decompression bomb), failed by name before it fills a Lambda's memory.
 */
const maxBodyBytes = 32 * 2 ** 20;

/** Why no answer came, from Node's error: its code only, never its message (which may quote the URL). */
const failureOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `connection failed (${code})` : 'connection failed';
};

/** The body of `response`, whole, as sent before any content encoding; a failure is named by a code. */
const bodyOf = async (response: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBodyBytes) throw Object.assign(new Error('body too large'), { code: 'ERR_BODY_TOO_LARGE' });
    chunks.push(chunk as Buffer);
  }
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const decode = decoders[response.headers['content-encoding']?.trim().toLowerCase() ?? ''];
  // An empty body (a 204, a 429 behind a proxy that marks every answer gzip) or an encoding not
  // asked for is handed on as sent, as got did: the status still says what happened, and a 2xx
  // body that is not JSON is retried by http.ts as incomplete.
  if (decode === undefined || bytes.byteLength === 0) return bytes;
  return decode(bytes, { maxOutputLength: maxBodyBytes });
};

/**
 * Sends `request` once, with no redirect followed; any status is an answer. `timeoutMs` bounds the
 * whole exchange, body and its decompression included, as got's `timeout.request` did; `signal`
 * aborts it (a stopped local run).
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
      // Settled here, not by the error destroying causes: once the last byte has arrived the socket
      // is back in the pool and destroying is a no-op, while the body may still be decompressing.
      timer = setTimeout(() => {
        timedOut = true;
        outgoing.destroy();
        failed(undefined);
      }, timeoutMs);
      outgoing.on('error', failed);
      outgoing.end(body);
    } catch (error) {
      // A URL or header Node refuses before sending (its message may quote the value: only the code is kept).
      failed(error);
    }
  });
