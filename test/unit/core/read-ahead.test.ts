import { describe, expect, it } from 'vitest';
import { readAhead } from '../../../core/read-ahead';

/** A load whose completion the test controls, recording how many loads are in flight at once. */
const controlledLoads = () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const pending = new Map<number, { resolve: (value: string) => void; reject: (error: Error) => void }>();
  const load = (item: number): Promise<string> => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<string>((resolve, reject) => pending.set(item, { resolve, reject })).finally(() => (inFlight -= 1));
  };
  return { load, pending, maxInFlight: () => maxInFlight };
};

describe('readAhead', () => {
  it('yields every loaded item in input order, whatever order the loads finish in', async () => {
    // Later items finish first.
    const load = (item: number) => new Promise<string>((resolve) => setTimeout(() => resolve(`item ${item}`), (5 - item) * 3));
    const collected: string[] = [];

    for await (const value of readAhead([0, 1, 2, 3, 4], 3, load)) collected.push(value);

    expect(collected).toEqual(['item 0', 'item 1', 'item 2', 'item 3', 'item 4']);
  });

  it('keeps no more than the given number of loads in flight', async () => {
    const loads = controlledLoads();
    const consuming = (async () => {
      const values: string[] = [];
      for await (const value of readAhead([...Array(10).keys()], 3, loads.load)) values.push(value);
      return values;
    })();
    for (let round = 0; round < 20; round += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      const first = [...loads.pending.keys()].sort((a, b) => a - b)[0];
      if (first !== undefined) {
        loads.pending.get(first)?.resolve(String(first));
        loads.pending.delete(first);
      }
    }

    expect(await consuming).toHaveLength(10);
    expect(loads.maxInFlight()).toBe(3);
  });

  it('fails with the load error in its turn, after yielding the items before it', async () => {
    const load = async (item: number): Promise<number> => {
      if (item === 2) throw new Error('item 2 is gone');
      return item;
    };
    const collected: number[] = [];

    const consuming = (async () => {
      for await (const value of readAhead([0, 1, 2, 3], 4, load)) collected.push(value);
    })();

    await expect(consuming).rejects.toThrow('item 2 is gone');
    expect(collected).toEqual([0, 1]);
  });
});
