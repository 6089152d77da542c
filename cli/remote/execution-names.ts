/**
 * Names of deployed executions, derived from the run's logical dates so that a second start of
 * the same date collides with the first instead of running twice, and ARNs derived from the
 * state machine's ARN.
 */
import type { IsoDate } from '../../core/dates';
import { maxExecutionNameLength } from '../../core/run-input';
import { UsageError } from '../command';

/** The parts of a state machine ARN `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
export interface StateMachineArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

const stateMachineArnPattern = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;
const suffixPattern = /^[A-Za-z0-9_-]{1,40}$/;

/** Splits a state machine ARN; anything else is a UsageError saying where to find the right one. */
export const parseStateMachineArn = (arn: string): StateMachineArn => {
  const match = stateMachineArnPattern.exec(arn);
  if (!match) {
    throw new UsageError(
      `"${arn}" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>); ` +
        'copy the StateMachineArn output of the deployed stack',
    );
  }
  const [, partition = '', region = '', account = '', name = ''] = match;
  return { arn, partition, region, account, name };
};

/** A run started by hand: one date, or a backfill over a range. */
export type RemoteRun = { mode: 'manual'; date: IsoDate } | { mode: 'backfill'; from: IsoDate; to: IsoDate };

/**
 * The execution name of a manual run or a backfill, plus an optional suffix for a deliberate rerun.
 * @example executionName({ mode: 'manual', date: '2026-11-20' }) // 'manual-2026-11-20'
 * @example executionName({ mode: 'backfill', from: '2026-10-01', to: '2026-10-31' }, 'fix2') // 'backfill-2026-10-01--2026-10-31-fix2'
 */
export const executionName = (run: RemoteRun, suffix?: string): string => {
  if (suffix !== undefined && !suffixPattern.test(suffix)) {
    throw new UsageError(`--suffix "${suffix}" may hold only letters, digits, - and _ (at most 40), e.g. --suffix rerun2`);
  }
  const base = run.mode === 'manual' ? `manual-${run.date}` : `backfill-${run.from}--${run.to}`;
  return suffix === undefined ? base : `${base}-${suffix}`;
};

/** A name this project gives an execution: letters, digits, - and _, as long as Step Functions allows. */
const executionNamePattern = new RegExp(`^[A-Za-z0-9_-]{1,${maxExecutionNameLength}}$`);

/**
 * The ARN of an execution given by ARN or by name.
 * @example executionArnOf(parseStateMachineArn('arn:aws:states:eu-west-1:123456789012:stateMachine:etl'), 'manual-2026-11-20')
 * // 'arn:aws:states:eu-west-1:123456789012:execution:etl:manual-2026-11-20'
 */
export const executionArnOf = (machine: StateMachineArn, execution: string): string => {
  if (execution.startsWith('arn:')) return execution;
  if (!executionNamePattern.test(execution)) {
    throw new UsageError(`"${execution}" is neither an execution ARN nor an execution name; see \`spotify-etl remote list\``);
  }
  return `arn:${machine.partition}:states:${machine.region}:${machine.account}:execution:${machine.name}:${execution}`;
};

/** The console's host in each partition other than aws, whose console is regional. */
const consoleHosts: Readonly<Record<string, string>> = { 'aws-cn': 'console.amazonaws.cn', 'aws-us-gov': 'console.amazonaws-us-gov.com' };

/** The console page of an execution, for a person to click. */
export const consoleUrlOf = (machine: StateMachineArn, executionArn: string): string =>
  `https://${consoleHosts[machine.partition] ?? `${machine.region}.console.aws.amazon.com`}/states/home?region=${machine.region}#/v2/executions/details/${executionArn}`;
