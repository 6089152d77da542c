/* global module */
// node:path/win32 as CommonJS, for the Lambda bundles: infra/lambda-builtins.ts says why.
module.exports = process.getBuiltinModule('node:path/win32');
