/* global module */
// node:diagnostics_channel as CommonJS, for the Lambda bundles: infra/lambda-builtins.ts says why.
module.exports = process.getBuiltinModule('node:diagnostics_channel');
