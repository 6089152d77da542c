/**
 * A Mermaid state diagram of rendered ASL, so the picture in docs/workflow.md is generated from
 * the same JSON the machine runs and a test can tell when it is stale.
 */
import type { Asl, AslState } from './render';

type ChoiceRule = { readonly Variable?: string; readonly Next: string; readonly [operator: string]: unknown };

const operators: Record<string, string> = {
  BooleanEquals: '==',
  StringEquals: '==',
  NumericEquals: '==',
  NumericGreaterThan: '>',
  NumericLessThan: '<',
  NumericGreaterThanEquals: '>=',
  NumericLessThanEquals: '<=',
};

/** A Choice rule as a short label: `done == true`. */
const ruleLabel = (rule: ChoiceRule): string => {
  const operator = Object.keys(rule).find((key) => key in operators);
  const variable = (rule.Variable ?? '?').replace(/^\$\./, '');
  return operator ? `${variable} ${operators[operator]} ${String(rule[operator])}` : variable;
};

const transitions = (name: string, state: AslState): string[] => {
  const lines: string[] = [];
  if (state.Next) lines.push(`${name} --> ${state.Next}`);
  for (const rule of (state.Choices ?? []) as ChoiceRule[]) lines.push(`${name} --> ${rule.Next}: ${ruleLabel(rule)}`);
  if (state.Default) lines.push(`${name} --> ${state.Default}: otherwise`);
  const catchTargets = [...new Set((state.Catch ?? []).map((catcher) => catcher.Next))];
  for (const target of catchTargets) lines.push(`${name} --> ${target}: on error`);
  if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') lines.push(`${name} --> [*]`);
  return lines;
};

const body = (asl: Asl, indent: string): string[] => [
  `${indent}[*] --> ${asl.StartAt}`,
  ...Object.entries(asl.States).flatMap(([name, state]) => {
    const inner = [...(state.ItemProcessor ? [state.ItemProcessor] : []), ...(state.Iterator ? [state.Iterator] : []), ...(state.Branches ?? [])];
    const nested =
      inner.length === 0
        ? []
        : [`${indent}state ${name} {`, ...inner.flatMap((branch, index) => [...(index > 0 ? [`${indent}  --`] : []), ...body(branch, `${indent}  `)]), `${indent}}`];
    const kind = state.Type === 'Choice' ? [`${indent}state ${name} <<choice>>`] : [];
    return [...kind, ...nested, ...transitions(name, state).map((line) => `${indent}${line}`)];
  }),
];

/** The document as a `stateDiagram-v2`: Map and Parallel states are composite states. */
export const toMermaid = (asl: Asl): string => ['stateDiagram-v2', ...body(asl, '  ')].join('\n');
