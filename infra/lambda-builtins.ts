/**
 * Node's own modules that the Lambda bundles take as CommonJS (`process.getBuiltinModule`) rather
 * than through an ES `import`. For an import, Node builds an ES module facade by reading every
 * export, which runs lazy getters: node:http's WebSocket loads undici (the AWS SDK's HTTP handler
 * imports node:http: about 60 ms of every SDK-using Lambda's cold start), node:fs's ReadStream
 * loads its streams, node:process and node:util their lazy parts. esbuild then reads the named
 * imports as properties where they are used, and a module that only a lazily loaded dependency
 * imports (got's node:http2, tls, dns, net...) loads with it, on the first request, instead of at
 * every import of the bundle (esbuild hoists ES imports of Node's modules to its top).
 *
 * Every module the bundles import is listed, and with it each subpath Node has for it: an alias
 * also rewrites the subpaths of its name (`fs/promises` from `fs`) unless the subpath has its own,
 * so a subpath missing here fails the build (esbuild cannot resolve `…/fs.cjs/promises`).
 *
 * The one list for infra/step-function.ts (esbuild's --alias) and bench/lambda.ts (its `alias`),
 * with fp-ts's and the SDK credential chain's below.
 */
import { fileURLToPath } from 'node:url';

const shims = [
  'async_hooks',
  'buffer',
  'child_process',
  'console',
  'crypto',
  'diagnostics_channel',
  'dns',
  'dns/promises',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'path/posix',
  'path/win32',
  'perf_hooks',
  'process',
  'stream',
  'stream/consumers',
  'stream/promises',
  'stream/web',
  'timers/promises',
  'tls',
  'url',
  'util',
  'util/types',
  'zlib',
] as const;

/**
 * Import path → what the Lambda bundles take instead: for Node's modules, the shim file that
 * stands in for it (`lambda-builtins/fs-promises.cjs` for `fs/promises`), for both spellings (`fs`,
 * `node:fs`); for fp-ts's CommonJS build, which core/decode.ts names so that Node and tsx load it
 * unbundled, its ES build, the one io-ts imports: one copy of fp-ts in a bundle, not two, and none
 * of its CommonJS module bodies run at import; for the SDK's default credential chain, the
 * environment alone (infra/lambda-credentials.ts says why). Only the bundles take these: the
 * command line and the tests run from sources keep Node's modules and the SDK's whole chain.
 */
export const lambdaAliases: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    shims.flatMap((name) => {
      const file = fileURLToPath(new URL(`./lambda-builtins/${name.replace('/', '-')}.cjs`, import.meta.url));
      return [
        [name, file],
        [`node:${name}`, file],
      ];
    }),
  ),
  'fp-ts/lib': 'fp-ts/es6',
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('./lambda-credentials.ts', import.meta.url)),
};
