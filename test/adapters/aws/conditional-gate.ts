/**
 * s3rver 3.7 ignores `If-None-Match` and `If-Match` on PutObject and DeleteObject (it honours
 * them only on GetObject), so a conditional write there always succeeds. This gate sits in front
 * of it on 127.0.0.1 and answers those conditions as S3 documents them (412 PreconditionFailed),
 * one conditional request at a time, forwarding everything else untouched: the S3 SDK's real
 * headers and error parsing are exercised, and s3rver stores the objects.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running gate: point an S3 client at `endpoint`. */
export interface ConditionalGate {
  readonly endpoint: string;
  close(): Promise<void>;
}

const preconditionFailed = (response: ServerResponse): void => {
  response.writeHead(412, { 'Content-Type': 'application/xml' });
  response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
};

/** Starts a gate in front of the s3rver at `upstream`. */
export const startConditionalGate = async (upstream: string): Promise<ConditionalGate> => {
  const target = new URL(upstream);
  const forward = (incoming: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.once('end', resolve);
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  /** The object's ETag in s3rver, or undefined when it has none. */
  const etagOf = async (path: string): Promise<string | undefined> => {
    const answer = await fetch(new URL(path.split('?')[0] ?? path, upstream), { method: 'HEAD' });
    return answer.ok ? (answer.headers.get('etag') ?? undefined) : undefined;
  };
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const noneMatch = incoming.headers['if-none-match'];
      const match = incoming.headers['if-match'];
      const conditional = (incoming.method === 'PUT' || incoming.method === 'DELETE') && (noneMatch !== undefined || match !== undefined);
      if (!conditional) {
        void forward(incoming, body, response).catch(() => response.destroy());
        return;
      }
      // Check and write as one step, as S3 does for a key.
      queue = queue.then(async () => {
        const etag = await etagOf(incoming.url ?? '/');
        const holds = noneMatch === '*' ? etag === undefined : match === '*' ? etag !== undefined : etag !== undefined && etag === match;
        if (!holds) preconditionFailed(response);
        else await forward(incoming, body, response);
      }).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
