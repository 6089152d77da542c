/* global module */
// node:buffer as CommonJS, for the Lambda bundles: infra/lambda-builtins.ts says why.
module.exports = process.getBuiltinModule('node:buffer');
