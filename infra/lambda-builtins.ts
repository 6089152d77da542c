/**
 * Node's own modules that the Lambda bundles take as CommonJS (`process.getBuiltinModule`) rather
 * than through an ES `import`. For an import, Node builds an ES module facade by reading every
 * export, and reading node:http's WebSocket loads undici: the AWS SDK's HTTP handler imports
 * node:http, which cost every SDK-using Lambda about 60 ms of its cold start (node:crypto 8 ms).
 * esbuild then reads the named imports as properties where they are used, and a module that only
 * got imports (node:http2, 30 ms) loads when got does, on the first request, instead of at every
 * import of the bundle (esbuild hoists ES imports of Node's modules to its top). Only modules
 * without subpaths: an alias also rewrites `fs/promises` from `fs`.
 *
 * The one list for infra/step-function.ts (esbuild's --alias) and bench/lambda.ts (its `alias`).
 */
import { fileURLToPath } from 'node:url';

const shims = ['http', 'https', 'http2', 'crypto'] as const;

/** Import path → the shim file that stands in for it, for both spellings (`http`, `node:http`). */
export const lambdaBuiltinAliases: Readonly<Record<string, string>> = Object.fromEntries(
  shims.flatMap((name) => {
    const file = fileURLToPath(new URL(`./lambda-builtins/${name}.cjs`, import.meta.url));
    return [
      [name, file],
      [`node:${name}`, file],
    ];
  }),
);
