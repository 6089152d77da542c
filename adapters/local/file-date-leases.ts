/**
 * Date leases on this machine: one lock file per date below `<lake>/.state/leases/`, created
 * exclusively (a complete temp file hard-linked into place, which fails when the lock exists, so
 * no reader ever sees a half-written lock). A lock records the run's process; a lock whose
 * process is gone on this host is taken over at once, so a rerun after `kill -9` is never refused.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { acquireAll, dateInUse, isExpired, newLease, parseLease, type LeaseRecord } from '../../core/leases';
import type { IsoDate } from '../../core/dates';
import type { Clock, DateLeases } from '../../core/ports';
import { stateDir } from './file-secrets';

/** The process a lock names as its holder's. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
}

/** The folder of the lake's lock files. */
export const leasesDir = (lake: string): string => join(stateDir(lake), 'leases');

/** The lock file of a date. */
export const lockPath = (lake: string, date: IsoDate): string => join(leasesDir(lake), `snapshot_date=${date}.lock`);

/** Whether a process with this id exists on this host (EPERM: it exists but belongs to another user). */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** A lock as read: its lease (undefined when the file is not one), and its inode and text, to remove exactly it. */
interface ReadLock {
  readonly lease: LeaseRecord | undefined;
  readonly inode: number;
  readonly text: string;
}

// Takeovers that another run beat us to, or is doing, are tried again: each round means some run
// made progress or holds the takeover guard for the moment it takes to remove one file.
const maxAttempts = 200;
const guardWaitMs = 10;

/** {@link DateLeases} as lock files in the lake, held by this process. */
export class FileDateLeases implements DateLeases {
  public constructor(
    private readonly lake: string,
    private readonly clock: Clock,
    private readonly owner: LockOwner = { pid: process.pid, host: hostname() },
  ) {}

  /** Locks every date for `holder`, all or none; refuses with DateInUseError when a live run holds one. */
  public async acquire(dates: readonly IsoDate[], holder: string): Promise<void> {
    await acquireAll(dates, (date) => this.acquireOne(date, holder), (date) => this.releaseOne(date, holder));
  }

  /** Removes the locks `holder` holds among `dates`. */
  public async release(dates: readonly IsoDate[], holder: string): Promise<void> {
    for (const date of dates) await this.releaseOne(date, holder);
  }

  /**
   * Removes every lock `holder` holds, whatever its dates: the local run calls this when it ends
   * however it ended (aborted by Ctrl-C, stopped by an error no Catch takes), so it never leaves
   * a lock behind while its process lives on.
   */
  public async releaseAll(holder: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(leasesDir(this.lake));
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      const match = /^snapshot_date=(.+)\.lock$/.exec(name);
      if (match?.[1] !== undefined) await this.releaseOne(match[1], holder);
    }
  }

  private async acquireOne(date: IsoDate, holder: string): Promise<void> {
    const path = lockPath(this.lake, date);
    await mkdir(leasesDir(this.lake), { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const lease = newLease(holder, this.clock.now(), this.owner);
      if (await this.create(path, lease)) return;
      const current = await this.read(path);
      if (current === undefined) continue;
      if (current.lease?.holder === holder) {
        await this.replace(path, lease);
        return;
      }
      if (current.lease !== undefined && this.isLive(current.lease)) {
        throw dateInUse(
          date,
          current.lease,
          `wait for that run to finish and start again; if it is no longer running, delete ${path}`,
        );
      }
      // The holder is gone (or the file is not a lock): remove it, then try to create ours.
      await this.removeStale(path, current);
    }
    throw new Error(`Could not lock ${date}: other runs took ${path} over ${maxAttempts} times in a row; start the run again.`);
  }

  private async releaseOne(date: IsoDate, holder: string): Promise<void> {
    const path = lockPath(this.lake, date);
    const current = await this.read(path);
    if (current?.lease?.holder === holder) await this.removeIfSame(path, current);
  }

  /**
   * A lock on this host holds while its process lives, however long the run takes; a lock from
   * another host (a lake on a shared disk) cannot be checked that way and holds until it expires.
   */
  private isLive(lease: LeaseRecord): boolean {
    if (lease.host === this.owner.host && lease.pid !== undefined) return isProcessAlive(lease.pid);
    return !isExpired(lease, this.clock.now());
  }

  /**
   * Removes a stale lock, at most one run at a time: racing runs that all read the same dead
   * lock must not each remove it, or one would remove the lock another had just created in its
   * place. The guard is itself a lock file (with this process's pid, so a guard left by a killed
   * run is cleared); under it the stale lock is removed only if it is still exactly the file read.
   * Whoever then creates the lock first holds the date; the others find it live and are refused.
   */
  private async removeStale(path: string, stale: ReadLock): Promise<void> {
    const guard = `${path}.takeover`;
    if (!(await this.create(guard, newLease('takeover', this.clock.now(), this.owner)))) {
      const holder = await this.read(guard);
      if (holder !== undefined && (holder.lease === undefined || !this.isLive(holder.lease))) await this.removeIfSame(guard, holder);
      await delay(guardWaitMs);
      return;
    }
    try {
      const current = await this.read(path);
      if (current !== undefined && current.inode === stale.inode && current.text === stale.text) await unlink(path);
    } finally {
      await unlink(guard).catch(() => undefined);
    }
  }

  /** Creates the lock with `lease` in it unless one exists: false when it does. */
  private async create(path: string, lease: LeaseRecord): Promise<boolean> {
    const temp = await this.writeTemp(path, lease);
    try {
      await link(temp, path);
      return true;
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temp);
    }
  }

  /** Replaces the lock this holder already holds with a renewed one. */
  private async replace(path: string, lease: LeaseRecord): Promise<void> {
    await rename(await this.writeTemp(path, lease), path);
  }

  private async writeTemp(path: string, lease: LeaseRecord): Promise<string> {
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, `${JSON.stringify(lease)}\n`, { mode: 0o600, flag: 'wx' });
    return temp;
  }

  /** The lock and its inode, read through one handle so both are of the same file; undefined when there is none. */
  private async read(path: string): Promise<ReadLock | undefined> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const { ino } = await handle.stat();
      const text = await handle.readFile('utf8');
      return { lease: parseLease(text), inode: ino, text };
    } finally {
      await handle.close();
    }
  }

  /**
   * Removes the lock only if it is still the file that was read (same inode and text, as an
   * inode may be reused): it is moved aside first (an atomic rename) and checked; a lock another
   * run created meanwhile is put back.
   */
  private async removeIfSame(path: string, read: ReadLock): Promise<void> {
    const aside = `${path}.${randomBytes(6).toString('hex')}.gone`;
    try {
      await rename(path, aside);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      throw error;
    }
    const moved = await this.read(aside);
    if (moved !== undefined && (moved.inode !== read.inode || moved.text !== read.text)) {
      await link(aside, path).catch((error: unknown) => {
        if (errnoOf(error) !== 'EEXIST') throw error;
      });
    }
    await unlink(aside);
  }
}
