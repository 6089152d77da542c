/**
 * s3rver as a child process on 127.0.0.1 with an ephemeral port. It runs out of process because
 * its truncated ListObjectsV2 needs `--openssl-legacy-provider`, which only works as a start-up
 * flag (DEPENDENCIES.md), and vitest's own process must not get it.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

/** Credentials to sign with: s3rver's own by default, others to be refused, a session's to expire. */
export interface S3rverCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A running s3rver with one bucket and a client pointed at it. */
export interface RunningS3rver {
  readonly endpoint: string;
  readonly bucket: string;
  /** A client of this s3rver, or of a proxy in front of it at `via`, with s3rver's own credentials unless others are given. */
  client(via?: string, credentials?: S3rverCredentials): S3Client;
  close(): Promise<void>;
}

/** Starts s3rver with `bucket` created, and resolves once it listens. */
export const startS3rver = async (bucket = 'lake'): Promise<RunningS3rver> => {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const child = spawn(
    process.execPath,
    [createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js'), '-d', directory, '-a', '127.0.0.1', '-p', '0', '--silent', '--configure-bucket', bucket],
    { env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on ([\d.]+):(\d+)/.exec(output);
      if (match) resolve(`http://${match[1]}:${match[2]}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening:\n${output}`)));
    child.once('error', reject);
  });
  const clients: S3Client[] = [];
  return {
    endpoint,
    bucket,
    client: (via = endpoint, credentials: S3rverCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }) => {
      const client = new S3Client({
        endpoint: via,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials,
        // s3rver predates the SDK's default CRC checksums on every request.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
};
