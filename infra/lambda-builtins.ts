/**
 * Node's own modules that the Lambda bundles take as CommonJS (`process.getBuiltinModule`) rather
 * than through an ES `import`. For an import, Node builds an ES module facade by reading every
 * export, which runs lazy getters: node:http's WebSocket loads undici (the AWS SDK's HTTP handler
 * imports node:http: about 60 ms of every SDK-using Lambda's cold start), node:fs's ReadStream
 * loads its streams, node:process and node:util their lazy parts. esbuild then reads the named
 * imports as properties where they are used, and a module that only a lazily loaded dependency
 * imports (the Spotify client's node:https and node:zlib) loads with it, on the first request, instead of at
 * every import of the bundle (esbuild hoists ES imports of Node's modules to its top).
 *
 * Every module Node has is aliased, from `builtinModules` when the bundle is built, so a module a
 * new dependency imports is covered without an edit. Each stands in as a `data:` URL holding its
 * one line of CommonJS (`module.exports = process.getBuiltinModule('node:fs')`): esbuild bundles a
 * data URL as a module, the CLI's `--alias` takes it as CDK passes it, and no file has to exist or
 * be kept. `builtinModules` names every subpath too (`fs/promises`), so an alias never rewrites a
 * subpath of its name into a path that is not there.
 *
 * The one list for infra/step-function.ts (esbuild's --alias) and bench/lambda.ts (its `alias`),
 * with fp-ts's and the SDK credential chain's below, and the one banner both put on top.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The stand-in for Node's module `name` (`fs`, `fs/promises`): one line of CommonJS as a data URL. */
const commonJsOf = (name: string): string => `data:text/javascript,module.exports=process.getBuiltinModule('node:${name}')`;

/**
 * Every spelling of each of Node's modules with its stand-in: `fs` and `node:fs`; the modules
 * Node has under `node:` only (`node:test`, `node:sqlite`) under that alone, as a package of the
 * bare name is not Node's.
 */
const builtinAliases = builtinModules.flatMap((name) => {
  const bare = name.replace(/^node:/, '');
  const stand = commonJsOf(bare);
  return name.startsWith('node:') ? [[name, stand] as const] : [[bare, stand] as const, [`node:${bare}`, stand] as const];
});

/**
 * fp-ts's ES build for its CommonJS one, which core/decode.ts names so that Node and tsx load it
 * unbundled while io-ts imports the ES one: a bundle then holds one copy of fp-ts, not two. The
 * command line's bundle (cli/bundle.ts) takes it too.
 */
export const fpTsAsEsBuild: Readonly<Record<string, string>> = { 'fp-ts/lib': 'fp-ts/es6' };

/**
 * Import path → what the Lambda bundles take instead: for Node's modules, the CommonJS stand-in
 * above, for both spellings (`fs`, `node:fs`); for fp-ts's CommonJS build, which core/decode.ts
 * names so that Node and tsx load it unbundled, its ES build, the one io-ts imports: one copy of
 * fp-ts in a bundle, not two, and none of its CommonJS module bodies run at import; for the SDK's
 * default credential chain, the environment alone (infra/lambda-credentials.ts says why). Only the
 * bundles take these: the command line and the tests run from sources keep Node's modules and the
 * SDK's whole chain.
 */
export const lambdaAliases: Readonly<Record<string, string>> = {
  ...Object.fromEntries(builtinAliases),
  ...fpTsAsEsBuild,
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('./lambda-credentials.ts', import.meta.url)),
};

/**
 * The first line of every Lambda bundle: CommonJS dependencies call require(), which an ES module
 * does not have, so it is made from node:module, taken like every other Node module through
 * `process.getBuiltinModule` rather than an ES import (test/infra/lambda-bundles.test.ts reads
 * the written bundles for imports, this line included).
 */
export const lambdaBanner = "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);";
