/* global module */
// node:child_process as CommonJS, for the Lambda bundles: infra/lambda-builtins.ts says why.
module.exports = process.getBuiltinModule('node:child_process');
