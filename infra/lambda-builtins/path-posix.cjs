/* global module */
// node:path/posix as CommonJS, for the Lambda bundles: infra/lambda-builtins.ts says why.
module.exports = process.getBuiltinModule('node:path/posix');
