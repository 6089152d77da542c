/**
 * How a test tells that a Lambda bundle carries the AWS SDK's default credential chain, which
 * infra/lambda-credentials.ts keeps out of the bundles: one definition for the bundle test and the
 * stack test.
 */

/** The chain's packages and those only it brings (the STS and SSO clients it calls), as esbuild's metafile names their files. */
export const credentialChainPackages = /node_modules\/@aws-sdk\/(credential-provider-(?:node|ini|sso|process|web-identity|http)|nested-clients|token-providers)\//;

/** The debug lines those packages log ("@aws-sdk/credential-provider-ini - fromIni"): their code, where a bundle's text carries it. */
export const credentialChainCode = /@aws-sdk\/credential-provider-(?!env)[a-z-]+ - /;
