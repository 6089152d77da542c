/** cdk-nag's AWS Solutions checks as a validation plugin (the v3 API), and how findings are acknowledged. */
import { CfnElement, Stack, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Runs the AWS Solutions checks on every synth: an unacknowledged finding fails it. */
export const addNagChecks = (app: App): void => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
};

/** Acknowledges one finding, by the exact id cdk-nag prints, on `scope` and everything below it. */
export const acknowledge = (scope: IConstruct, id: string, reason: string): void => {
  Validations.of(scope).acknowledge({ id, reason });
};

/**
 * The id of an IAM5 finding for one wildcard resource, in cdk-nag's rendering of tokens.
 * @example wildcardResourceFinding('<LakeBucket1234.Arn>/raw/*') // 'AwsSolutions-IAM5[Resource::<LakeBucket1234.Arn>/raw/*]'
 */
export const wildcardResourceFinding = (resource: string): string => `AwsSolutions-IAM5[Resource::${resource}]`;

/** The logical id of a construct's CloudFormation resource, as cdk-nag prints it between `<` and `.Arn>`. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
};
