/** Lock files in a real folder, and real processes as holders: a live one refuses, a dead one is taken over. */
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FileDateLeases, isProcessAlive, leasesDir, lockPath } from '../../../adapters/local/file-date-leases';
import { systemClock } from '../../../core/dates';
import { DateInUseError } from '../../../core/errors';
import { tempFolder } from '../../support/temp-folders';

const date = '2026-11-20';
const host = 'this-host';

/** The pid of a process that has exited (and been reaped), so no process has it now. */
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('the child process did not start');
  return child.pid;
};

const leasesFor = (lake: string, pid = process.pid) => new FileDateLeases(lake, systemClock, { pid, host });

describe('FileDateLeases', () => {
  it('creates one 0600 lock file per date naming the holder, its process and host', async () => {
    // Prepare
    const lake = await tempFolder('leases-');
    // Act
    await leasesFor(lake).acquire([date, '2026-11-19'], 'local-a');
    // Assess
    const lock = JSON.parse(await readFile(lockPath(lake, date), 'utf8')) as Record<string, unknown>;
    expect(lock).toMatchObject({ holder: 'local-a', pid: process.pid, host });
    expect((await stat(lockPath(lake, date))).mode & 0o777).toBe(0o600);
    expect((await readdir(leasesDir(lake))).sort()).toEqual(['snapshot_date=2026-11-19.lock', 'snapshot_date=2026-11-20.lock']);
  });

  it('refuses a second holder while the first one\'s process lives, naming the holder and the lock file', async () => {
    // Prepare
    const lake = await tempFolder('leases-');
    await leasesFor(lake).acquire([date], 'local-a');
    // Act
    const refused = leasesFor(lake).acquire([date], 'local-b');
    // Assess
    await expect(refused).rejects.toThrow(DateInUseError);
    await expect(refused).rejects.toThrow(`${date} is being written by local-a`);
    await expect(refused).rejects.toThrow(lockPath(lake, date));
  });

  it('takes over at once a lock whose process is gone, so a rerun after kill -9 is never refused', async () => {
    // Prepare
    const lake = await tempFolder('leases-');
    const pid = await deadPid();
    expect(isProcessAlive(pid)).toBe(false);
    await leasesFor(lake, pid).acquire([date], 'local-killed');
    // Act
    await leasesFor(lake).acquire([date], 'local-rerun');
    // Assess
    const lock = JSON.parse(await readFile(lockPath(lake, date), 'utf8')) as Record<string, unknown>;
    expect(lock).toMatchObject({ holder: 'local-rerun', pid: process.pid });
    expect(await readdir(leasesDir(lake))).toEqual(['snapshot_date=2026-11-20.lock']);
  });

  it('takes over a lock file that is not a lock (damaged or foreign)', async () => {
    const lake = await tempFolder('leases-');
    await mkdir(leasesDir(lake), { recursive: true });
    await writeFile(lockPath(lake, date), 'not json');

    await leasesFor(lake).acquire([date], 'local-a');

    expect(JSON.parse(await readFile(lockPath(lake, date), 'utf8'))).toMatchObject({ holder: 'local-a' });
  });

  it('honours a lock from another host until it expires, since its process cannot be checked', async () => {
    const lake = await tempFolder('leases-');
    await new FileDateLeases(lake, systemClock, { pid: 1, host: 'other-host' }).acquire([date], 'remote-a');

    await expect(leasesFor(lake).acquire([date], 'local-b')).rejects.toThrow('pid 1 on other-host');
  });

  it('lets the same holder take its own dates again (a redrive)', async () => {
    const lake = await tempFolder('leases-');
    await leasesFor(lake).acquire([date], 'local-a');

    await leasesFor(lake).acquire([date], 'local-a');

    expect(JSON.parse(await readFile(lockPath(lake, date), 'utf8'))).toMatchObject({ holder: 'local-a' });
  });

  it('takes all dates or none: refused on one date, it keeps none of the others', async () => {
    // Prepare
    const lake = await tempFolder('leases-');
    await leasesFor(lake).acquire(['2026-11-19'], 'local-a');
    // Act
    await expect(leasesFor(lake).acquire(['2026-11-18', '2026-11-19', '2026-11-20'], 'local-b')).rejects.toThrow(DateInUseError);
    // Assess
    expect(await readdir(leasesDir(lake))).toEqual(['snapshot_date=2026-11-19.lock']);
  });

  it('release removes only the holder\'s own locks', async () => {
    // Prepare
    const lake = await tempFolder('leases-');
    await leasesFor(lake).acquire(['2026-11-19'], 'local-a');
    await leasesFor(lake).acquire([date], 'local-b');
    // Act
    await leasesFor(lake).release(['2026-11-19', date], 'local-b');
    await leasesFor(lake).releaseAll('local-c');
    // Assess
    expect(await readdir(leasesDir(lake))).toEqual(['snapshot_date=2026-11-19.lock']);
    await leasesFor(lake).releaseAll('local-a');
    expect(await readdir(leasesDir(lake))).toEqual([]);
  });

  it('of many holders racing for a free date, exactly one gets it', async () => {
    // Prepare
    const lake = await tempFolder('leases-');
    // Act
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, n) => leasesFor(lake).acquire([date], `local-${n}`)));
    // Assess
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const reasons = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(reasons.every((reason) => reason instanceof DateInUseError)).toBe(true);
    expect(await readdir(leasesDir(lake))).toEqual(['snapshot_date=2026-11-20.lock']);
  });

  it('of many holders racing to take over a dead process\'s lock, exactly one gets it, race after race', async () => {
    const dead = await deadPid();
    // Twenty rounds: one round rarely meets the interleaving that would let two runs win.
    for (let round = 0; round < 20; round += 1) {
      // Prepare
      const lake = await tempFolder('leases-');
      await leasesFor(lake, dead).acquire([date], 'local-killed');
      // Act
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, n) => leasesFor(lake).acquire([date], `local-${n}`)));
      // Assess
      expect(results.filter((result) => result.status === 'fulfilled'), `round ${round}`).toHaveLength(1);
      expect(await readdir(leasesDir(lake))).toEqual(['snapshot_date=2026-11-20.lock']);
    }
  });
});
