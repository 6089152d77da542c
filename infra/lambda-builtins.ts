/**
 * Node's own modules that the Lambda bundles take as CommonJS (`process.getBuiltinModule`) rather
 * than through an ES `import`. For an import, Node builds an ES module facade by reading every
 * export, and reading node:http's WebSocket loads undici: the AWS SDK's HTTP handler imports
 * node:http, which cost every SDK-using Lambda about 60 ms of its cold start (node:crypto 8 ms).
 * esbuild then reads the named imports as properties where they are used. Only modules without
 * subpaths (no `node:http/…`): an alias also rewrites `fs/promises` from `fs`.
 *
 * The one list for infra/step-function.ts (esbuild's --alias) and bench/lambda.ts (its `alias`).
 */
import { fileURLToPath } from 'node:url';

const shims = ['http', 'crypto'] as const;

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
