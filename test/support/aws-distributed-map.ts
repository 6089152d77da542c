/**
 * The rendered ASL changed so that a Distributed Map fails as it does on AWS. A Distributed Map
 * there runs each item as a child execution and, tolerating no failed child, fails with
 * States.ExceedToleratedFailureThreshold: the child's own error stays in the child. The local
 * executor runs the Map's item processor inline and passes the child's error on. Here each
 * Distributed Map's start state catches every error into a Fail state of AWS's name, so the
 * parent meets what it meets on AWS.
 */
import { mapRunFailedError } from '../../core/errors';
import type { Asl } from '../../state-machine/render';

type States = Record<string, Record<string, unknown>>;

const failedChild = 'ChildFailedAsOnAws';

const withAwsMapFailures = (states: States): States =>
  Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      const processor = state['ItemProcessor'] as { ProcessorConfig?: { Mode?: string }; StartAt: string; States: States } | undefined;
      if (processor === undefined) return [name, state];
      const inner = withAwsMapFailures(processor.States);
      if (processor.ProcessorConfig?.Mode !== 'DISTRIBUTED') return [name, { ...state, ItemProcessor: { ...processor, States: inner } }];
      const start = inner[processor.StartAt] ?? {};
      const catches = (start['Catch'] as unknown[] | undefined) ?? [];
      return [
        name,
        {
          ...state,
          ItemProcessor: {
            ...processor,
            States: {
              ...inner,
              [processor.StartAt]: { ...start, Catch: [...catches, { ErrorEquals: ['States.ALL'], Next: failedChild }] },
              [failedChild]: { Type: 'Fail', Error: mapRunFailedError, Cause: 'The specified tolerated failure threshold was exceeded' },
            },
          },
        },
      ];
    }),
  );

/** `asl` with every Distributed Map failing as on AWS when a child fails. */
export const awsMapFailures = (asl: Asl): Asl => ({ ...asl, States: withAwsMapFailures(asl.States as States) }) as Asl;
