import { describe, expect, it } from 'vitest';
import { DateInUseError } from '../../../core/errors';
import { acquireAll, dateInUse, isExpired, leaseHours, newLease, parseLease } from '../../../core/leases';

const now = new Date('2026-11-20T09:00:00Z');

describe('date leases', () => {
  it('a new lease expires leaseHours after it was taken, and holds until then', () => {
    const lease = newLease('manual-2026-11-20', now);

    expect(lease.expiresAt).toBe(new Date(now.getTime() + leaseHours * 3_600_000).toISOString());
    expect(isExpired(lease, new Date(now.getTime() + leaseHours * 3_600_000 - 1))).toBe(false);
    expect(isExpired(lease, new Date(now.getTime() + leaseHours * 3_600_000))).toBe(true);
  });

  it('reads a stored lease back, and reads anything else as no lease', () => {
    const lease = newLease('exec-1', now, { pid: 42, host: 'laptop' });

    expect(parseLease(JSON.stringify(lease))).toEqual(lease);
    expect(parseLease('{"holder":')).toBeUndefined();
    expect(parseLease('{"holder":"x"}')).toBeUndefined();
  });

  it('counts a lease whose expiry is not a time as expired, so it cannot block a date', () => {
    expect(isExpired({ holder: 'x', acquiredAt: 'then', expiresAt: 'never' }, now)).toBe(true);
  });

  it('refuses in one line naming the date, the holder, its process, the expiry and what to do', () => {
    const error = dateInUse('2026-11-20', newLease('local-20261120T090000-abc', now, { pid: 4242, host: 'laptop' }), 'wait for that run to finish');

    expect(error).toBeInstanceOf(DateInUseError);
    expect(error.name).toBe('DateInUseError');
    expect(error.message).toContain('2026-11-20 is being written by local-20261120T090000-abc');
    expect(error.message).toContain('pid 4242 on laptop');
    expect(error.message).toContain('expires 2026-11-21T09:00:00.000Z');
    expect(error.message).toContain('wait for that run to finish');
    expect(error.message).not.toContain('\n');
  });

  it('cuts a holder name from a foreign lease to a readable length', () => {
    const error = dateInUse('2026-11-20', newLease('h'.repeat(10_000), now), 'wait');

    expect(error.message.length).toBeLessThan(400);
  });

  it('takes the dates in ascending order, once each', async () => {
    const taken: string[] = [];

    await acquireAll(['2026-11-19', '2026-11-18', '2026-11-19'], async (date) => void taken.push(date), async () => undefined);

    expect(taken).toEqual(['2026-11-18', '2026-11-19']);
  });

  it('gives back the dates already taken when a later one is refused, so a refused run holds nothing', async () => {
    const held = new Set<string>();
    const refusal = new DateInUseError('2026-11-19 is being written by exec-0');

    const attempt = acquireAll(
      ['2026-11-18', '2026-11-19', '2026-11-20'],
      async (date) => {
        if (date === '2026-11-19') throw refusal;
        held.add(date);
      },
      async (date) => void held.delete(date),
    );

    await expect(attempt).rejects.toBe(refusal);
    expect([...held]).toEqual([]);
  });
});
