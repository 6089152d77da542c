/**
 * The generated parts of docs/workflow.md, docs/data-model.md and docs/architecture.md, computed
 * from the rendered ASL, the step contracts and core/tables.ts. The docs hold them between `<!-- generated:NAME -->`
 * markers; a test fails when a committed doc differs from what this produces.
 */
import type * as t from 'io-ts';
import { errorPolicy, type ErrorName, type ErrorPolicy } from '../../core/errors';
import { partitionColumn, tableNames, tables } from '../../core/tables';
import { allStates } from '../../state-machine/local-executor';
import { toMermaid } from '../../state-machine/mermaid';
import type { Asl } from '../../state-machine/render';
import { allSteps } from '../../steps/registry';

/** The generated blocks of one doc, by marker name. */
export type Blocks = Readonly<Record<string, string>>;

/** The command that rewrites the generated blocks. */
export const regenerateCommand = 'npx tsx cli/docs/write.ts';

/** The field names a codec decodes, through exact, intersection, union and partial wrappers, each once. */
const fieldsOf = (codec: t.Mixed): string[] => {
  const inner = codec as unknown as { type?: t.Mixed; types?: t.Mixed[]; props?: Record<string, unknown> };
  if (inner.props) return Object.keys(inner.props);
  // A union's members share fields (GetPlaylist's three answers all carry the date and playlist).
  if (inner.types) return [...new Set(inner.types.flatMap(fieldsOf))];
  if (inner.type) return fieldsOf(inner.type);
  return [];
};

const code = (text: string): string => `\`${text}\``;

/** The steps' table: state, folder, timeout, input and output fields. */
const stepsTable = (): string =>
  [
    '| State | Folder | Timeout | Input fields | Output fields |',
    '|---|---|---|---|---|',
    ...allSteps.map(
      (step) =>
        `| ${step.stateName} | ${code(`steps/${step.dir}/`)} | ${step.timeoutSeconds} s | ${fieldsOf(step.input).map(code).join(', ') || '—'} | ${fieldsOf(step.output).map(code).join(', ') || '—'} |`,
    ),
  ].join('\n');

/** Every Retry and Catch of our error names, by state, as the rendered ASL has them. */
const errorsTable = (asl: Asl): string => {
  const ours = (names: readonly string[]): string[] => names.filter((name) => name in errorPolicy || name === 'States.ALL');
  const rows = allStates(asl).flatMap(([name, state]) => {
    const retries = (state.Retry ?? [])
      .filter((retrier) => ours(retrier.ErrorEquals).length > 0)
      .map((r) => `${ours(r.ErrorEquals).join(', ')} (${String(r['IntervalSeconds'])} s ×${String(r['BackoffRate'])}, ≤ ${String(r['MaxDelaySeconds'])} s, ${String(r['MaxAttempts'])} attempts)`);
    const catches = (state.Catch ?? []).map((c) => `${ours(c.ErrorEquals).join(', ')} → ${c.Next}`);
    return retries.length + catches.length === 0 ? [] : [`| ${name} | ${retries.join('<br>') || '—'} | ${catches.join('<br>') || '—'} |`];
  });
  return ['| State | Retried (interval × backoff, cap, attempts; full jitter) | Caught → next state |', '|---|---|---|', ...rows].join('\n');
};

/** The error table of core/errors.ts with each error's policy. */
const policyTable = (): string =>
  ['| Error | Policy |', '|---|---|', ...(Object.entries(errorPolicy) as [ErrorName, ErrorPolicy][]).map(([name, { policy }]) => `| ${code(name)} | ${policy} |`)].join('\n');

/** The generated blocks of docs/workflow.md. */
export const workflowBlocks = (asl: Asl): Blocks => ({
  diagram: ['```mermaid', toMermaid(asl), '```'].join('\n'),
  steps: stepsTable(),
  errors: errorsTable(asl),
  policies: policyTable(),
});

/** The generated blocks of docs/data-model.md: one column table per curated table. */
export const dataModelBlocks = (): Blocks => ({
  tables: tableNames
    .map((table) =>
      [
        `### ${table}`,
        '',
        '| Column | Type | Nullable | Meaning |',
        '|---|---|---|---|',
        ...tables[table].map((column) => `| ${code(column.name)} | ${column.type} | ${column.nullable ? 'yes' : 'no'} | ${column.doc} |`),
        `| ${code(partitionColumn)} | date | no | the run's logical date: the Hive partition, in the key (${code(`curated/${table}/${partitionColumn}=YYYY-MM-DD/run_id=<run>/`)}), not in the file |`,
      ].join('\n'),
    )
    .join('\n\n'),
});

/** The generated blocks of docs/architecture.md: who may do what in the lake, from each step's declaration. */
export const architectureBlocks = (): Blocks => {
  const prefixes = (list: readonly string[] | undefined): string => (list ?? []).map(code).join(', ');
  return {
    'lake-access': [
      '| step | lists | reads | writes | deletes |',
      '|---|---|---|---|---|',
      ...allSteps.flatMap(({ stateName, resources: { lake } }) =>
        lake ? [`| ${stateName} | ${prefixes(lake.list)} | ${prefixes(lake.read)} | ${prefixes(lake.write)} | ${prefixes(lake.delete)} |`] : [],
      ),
    ].join('\n'),
  };
};

/** `text` with each generated block replaced by its current content; throws on a missing marker. */
export const spliceBlocks = (text: string, blocks: Blocks): string =>
  Object.entries(blocks).reduce((doc, [name, content]) => {
    const open = `<!-- generated:${name} (${regenerateCommand}) -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = doc.indexOf(open);
    const end = doc.indexOf(close);
    if (start < 0 || end < start) throw new Error(`the doc has no ${open} … ${close} block`);
    return `${doc.slice(0, start + open.length)}\n${content}\n${doc.slice(end)}`;
  }, text);
