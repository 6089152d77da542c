import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapStackOf, sourceMappedStack } from '../../../steps/source-mapped-stack';

const run = promisify(execFile);

/** A minified bundle with a linked map, as the Lambdas are built, whose one export throws from a known source line. */
const source = ['export const fail = () => {', '  const reason = "no such crawler";', '  throw new Error(reason);', '};', ''].join('\n');

describe("a failed invocation's stack", () => {
  let dir: string;
  let bundleUrl: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'source-mapped-stack-'));
    // Beside each other as in the Lambda build, so the map names its source by a relative path.
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'failing-step.ts'), source);
    const outfile = join(dir, 'out', 'index.mjs');
    await build({ entryPoints: [join(dir, 'src', 'failing-step.ts')], outfile, bundle: true, format: 'esm', platform: 'node', minify: true, sourcemap: true, logLevel: 'silent' });
    bundleUrl = pathToFileURL(outfile).href;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The stack a fresh Node prints, without --enable-source-maps as in the Lambda (this test process maps stacks itself). */
  const thrownStack = async (): Promise<string> => {
    const script = `const { fail } = await import(${JSON.stringify(bundleUrl)}); try { fail(); } catch (error) { process.stdout.write(error.stack); }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env['PATH'] ?? '' } });
    return stdout;
  };

  it('names the source line the error was thrown from, through the map beside the bundle', async () => {
    const stack = await thrownStack();

    const mapped = sourceMappedStack(stack, bundleUrl);

    expect(stack).toContain(`${bundleUrl}:1:`);
    expect(mapped).toContain(`(${join(dir, 'src', 'failing-step.ts')}:3:`);
    expect(mapped).not.toContain(bundleUrl);
  });

  it('leaves a stack unchanged when no map lies beside the file', async () => {
    const stack = await thrownStack();

    expect(sourceMappedStack(stack, pathToFileURL(join(dir, 'elsewhere.mjs')).href)).toBe(stack);
  });

  it('keeps a position whose source cannot be named as a path, instead of throwing', async () => {
    // A map whose one source has an encoded slash, which fileURLToPath refuses.
    const fileUrl = pathToFileURL(join(dir, 'odd', 'index.mjs')).href;
    await mkdir(join(dir, 'odd'), { recursive: true });
    await writeFile(join(dir, 'odd', 'index.mjs.map'), JSON.stringify({ version: 3, sources: ['weird%2Fname.ts'], names: [], mappings: 'AAAA' }));
    const stack = `Error: boom\n    at fail (${fileUrl}:1:1)`;

    expect(sourceMappedStack(stack, fileUrl)).toBe(stack);
  });

  it('leaves an error whose stack is read-only as it was: its name and message still reach Step Functions', () => {
    const error = new Error('no such crawler');
    error.name = 'CrawlerFailedError';
    Object.defineProperty(error, 'stack', { value: 'CrawlerFailedError: no such crawler\n    at x (file:///var/task/index.mjs:1:1)', writable: false });

    expect(() => mapStackOf(error)).not.toThrow();
    expect(error).toMatchObject({ name: 'CrawlerFailedError', message: 'no such crawler' });
  });
});
