/**
 * Lambda's limit on a function's environment: 4 KB for all its variables together. CloudFormation
 * only meets it at `cdk deploy`, when the function is created or updated, so the stack measures
 * each function's variables at synth and refuses one over it (infra/step-function.ts).
 */
import { StringConcat, Tokenization } from 'aws-cdk-lib';

/** The most bytes Lambda accepts for all of one function's environment variables. */
export const environmentLimitBytes = 4096;

/** S3's longest bucket name: the most a bucket name CloudFormation generates can take. */
export const bucketNameMaxChars = 63;

/**
 * What a value CloudFormation fills in at deploy (an ARN, a generated name) is counted at when no
 * tighter bound is known: more than any ARN of this stack takes (a secret's is about 110 characters).
 */
const unknownValueChars = 256;

/**
 * The bytes of `variables` as Lambda measures them, counted as their JSON object (names, values,
 * quotes and separators: the larger reading of "4 KB for all variables"). A value holding tokens
 * counts each token at its bound in `bounds` (by the token's string, e.g. the bucket name's), or
 * at {@link unknownValueChars}: what is written here can only be longer once deployed if a bound is wrong.
 */
export const environmentBytes = (variables: Readonly<Record<string, string>>, bounds: ReadonlyMap<string, number> = new Map()): number => {
  const atMost = Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      const known = bounds.get(value);
      if (known !== undefined) return [name, 'x'.repeat(known)];
      const filled = Tokenization.reverseString(value)
        .mapTokens({ mapToken: () => 'x'.repeat(unknownValueChars) })
        .join(new StringConcat()) as unknown;
      return [name, typeof filled === 'string' ? filled : value];
    }),
  );
  return Buffer.byteLength(JSON.stringify(atMost), 'utf8');
};
