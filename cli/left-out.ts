/**
 * What the command line's bundle puts in place of the packages aws-local-stepfunctions imports but
 * a local run never calls (cli/bundle.ts): the Lambda client, since every Task is bound to a local
 * handler (state-machine/local-executor.ts), and asl-validator, since the executor runs with
 * `noValidate` (test/workflow validates the committed ASL). Reaching any of them is a bug: it says so.
 */
const leftOut = (what: string): never => {
  throw new Error(`${what} is left out of the spotify-etl bundle (cli/bundle.ts): a local run binds every Task to a local handler and never validates or invokes through it`);
};

/** In place of `@aws-sdk/client-lambda`. */
export class LambdaClient {
  public constructor() {
    leftOut('@aws-sdk/client-lambda');
  }
}

/** In place of `@aws-sdk/client-lambda`. */
export class InvokeCommand {
  public constructor() {
    leftOut('@aws-sdk/client-lambda');
  }
}

/** In place of `@aws-sdk/credential-providers`. */
export const fromCognitoIdentityPool = (): never => leftOut('@aws-sdk/credential-providers');

/** In place of `asl-validator`. */
const aslValidator = (): never => leftOut('asl-validator');
export default aslValidator;
