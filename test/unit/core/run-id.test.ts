/** The run id that names a run's folders in the lake. */
import { describe, expect, it } from 'vitest';
import { curatedRunPrefix, runIdOf } from '../../../core/lake/keys';

describe('a run id', () => {
  it('is the execution name itself when the name is safe in a folder', () => {
    expect(runIdOf('manual-2026-11-20-rerun1')).toBe('manual-2026-11-20-rerun1');
  });

  it('holds only letters, digits, _, . and - whatever the name holds', () => {
    for (const name of ['rerun+1', 'a@b(c)', 'date=2026-11-20/x', 'café', 'a b']) expect(runIdOf(name)).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('keeps apart two executions whose names differ only where characters were replaced, so neither writes into the other\'s run folder', () => {
    const names = ['run+1', 'run_1', 'run@1', 'run(1', 'rün1', 'run1_'];

    const folders = names.map((name) => curatedRunPrefix('songs', '2026-11-20', runIdOf(name)));

    expect(new Set(folders).size).toBe(names.length);
  });

  it('is the same for the same name every time, so a retry or a redrive finds its own folders', () => {
    expect(runIdOf('rerun+1')).toBe(runIdOf('rerun+1'));
  });
});
