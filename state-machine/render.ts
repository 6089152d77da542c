/**
 * The ASL JSON exactly as CDK renders the definition: a throwaway stack with placeholder
 * functions is synthesized and its `DefinitionString` resolved to plain JSON. The local executor
 * runs this; there is never a hand-written second ASL (STYLE §5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { AnyStep } from '../steps/registry';
import { buildDefinition } from './definition';
import type { PlacedStep } from './placement';

/** A rendered state machine: the parsed ASL document. */
export interface Asl {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly [field: string]: unknown;
}

/** One state of a rendered ASL document (only the fields the tools here read are typed). */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next: string; readonly [field: string]: unknown }[];
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[]; readonly [field: string]: unknown }[];
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string; readonly [field: string]: unknown }[];
  readonly Branches?: readonly Asl[];
  readonly ItemProcessor?: Asl;
  readonly Iterator?: Asl;
  readonly [field: string]: unknown;
}

/** The pseudo parameters a placeholder render may contain, with the values the local run uses. */
const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The placeholder Lambda ARN of a step; the local executor binds tasks by state name instead. */
export const placeholderFunctionArn = (step: AnyStep): string =>
  `arn:aws:lambda:${pseudoParameters['AWS::Region']}:${pseudoParameters['AWS::AccountId']}:function:${step.stateName}`;

/** Resolves `Fn::Join` and pseudo-parameter `Ref`s of a synthesized value to a plain string. */
const resolveTokens = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(resolveTokens).join(join[0]);
    const ref = (value as { Ref?: string }).Ref;
    if (ref !== undefined && pseudoParameters[ref] !== undefined) return pseudoParameters[ref];
  }
  throw new Error(`the rendered definition holds a token the renderer cannot resolve: ${JSON.stringify(value)}`);
};

/** Synthesizes the definition with placeholder functions and returns its ASL (`placedSteps`: the registry's unless a test passes others). */
export const renderAsl = (placedSteps?: readonly PlacedStep<AnyStep>[]): Asl => {
  // CDK's built-in CloudFormation validation costs about 2 s and 250 MiB per render, on every
  // local run; the deployed stack (infra/) keeps it, and tests validate this ASL with asl-validator.
  const outdir = mkdtempSync(join(tmpdir(), 'spotify-etl-render-'));
  const app = new App({ builtinCloudFormationValidation: false, outdir });
  const stack = new Stack(app, 'RenderStateMachine');
  const functions = new Map<string, lambda.IFunction>();
  const functionFor = (step: AnyStep): lambda.IFunction => {
    const existing = functions.get(step.stateName);
    if (existing) return existing;
    const fn = lambda.Function.fromFunctionArn(stack, `${step.stateName}Function`, placeholderFunctionArn(step));
    functions.set(step.stateName, fn);
    return fn;
  };
  new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(buildDefinition(stack, functionFor, placedSteps)),
  });
  // The synthesized assembly is only read here: its folder goes as soon as the template is in hand.
  let template: { Resources: Record<string, { Type: string; Properties: { DefinitionString: unknown } }> };
  try {
    template = app.synth().getStackByName(stack.stackName).template as typeof template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const machine = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
  if (!machine) throw new Error('the render stack synthesized no state machine');
  return JSON.parse(resolveTokens(machine.Properties.DefinitionString)) as Asl;
};
