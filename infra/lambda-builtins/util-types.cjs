/* global module */
// node:util/types as CommonJS, for the Lambda bundles: infra/lambda-builtins.ts says why.
module.exports = process.getBuiltinModule('node:util/types');
