/**
 * One HTTP request through got, its answer or a sanitised failure: the only module that imports
 * got, so adapters/spotify/http.ts can load it on the first request (see there).
 */
import got from 'got';
import type { HttpRequest } from './http';

/** One request's answer (any status), or a description of why none came that carries nothing of the request (its Authorization header included). */
export type Sent = { readonly response: { status: number; headers: Record<string, string | string[] | undefined>; body: Uint8Array } } | { readonly failure: string };

/**
 * got with what every request shares set once, so a request merges only its own options: got's
 * own retries and redirects are off (every retry is http.ts's), and any status is an answer. The
 * body stays the bytes received: http.ts decodes them once to parse, and the raw lake keeps them.
 */
const client = got.extend({
  retry: { limit: 0 },
  throwHttpErrors: false,
  followRedirect: false,
  responseType: 'buffer',
});

/** Sends `request` once; `signal` aborts it (a stopped local run). */
export const sendOnce = async (request: HttpRequest, timeoutMs: number, signal?: AbortSignal): Promise<Sent> => {
  try {
    const response = await client(request.url, {
      method: request.method,
      headers: request.headers,
      searchParams: request.searchParams ? { ...request.searchParams } : undefined,
      form: request.form ? { ...request.form } : undefined,
      timeout: { request: timeoutMs },
      ...(signal ? { signal } : {}),
    });
    return { response: { status: response.statusCode, headers: response.headers, body: response.body } };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ETIMEDOUT') return { failure: `no answer within ${timeoutMs} ms` };
    return { failure: typeof code === 'string' ? `connection failed (${code})` : 'connection failed' };
  }
};
