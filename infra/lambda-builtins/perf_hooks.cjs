/* global module */
// node:perf_hooks as CommonJS, for the Lambda bundles: infra/lambda-builtins.ts says why.
module.exports = process.getBuiltinModule('node:perf_hooks');
