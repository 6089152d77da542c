/**
 * Write-audit-publish on a full disk: the lake lives on a small tmpfs that a filler file leaves
 * only N KiB free when a published date is rerun. Whatever N, a rerun either fails in one line and
 * readers see exactly the published rows, or it publishes whole (and may then fail in one line
 * for want of room for the report); freeing the space lets the next rerun publish. Mounting needs root (CI runs as root); elsewhere the test says why it skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../cli/commands/run';
import { captureIo } from '../support/cli-io';
import { publishedState } from '../support/lake-state';
import { manifestAt } from '../support/published';
import { tempFolder } from '../support/temp-folders';

const date = '2026-11-20';
const clock = { now: () => new Date(`${date}T06:00:00Z`) };
/** KiB left free for each rerun: from nothing at all to about what one run's curated files take. */
const freeKiB = [0, 4, 24, 64, 120, 160, 190, 210, 240, 320];

/** Why a tmpfs cannot be mounted here, or undefined when it can (probed once, on a throwaway folder). */
const cannotMount = ((): string | undefined => {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
  const probe = join(process.env.TMPDIR ?? '/tmp', `spotify-etl-mount-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe]);
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed: ${(error as { stderr?: Buffer }).stderr?.toString().trim() || String(error)}`;
  } finally {
    execFileSync('rm', ['-rf', probe]);
  }
})();
if (cannotMount !== undefined) console.warn(`publish-disk-full: SKIPPED, ${cannotMount}`);

const freeBytes = async (folder: string): Promise<number> => {
  const stats = await statfs(folder);
  return stats.bavail * stats.bsize;
};

describe('a rerun of a published date on a disk that fills up', () => {
  it.skipIf(cannotMount !== undefined)('fails in one line leaving the published rows exactly as they were, at every size left free, and succeeds once there is room', { timeout: 300_000 }, async () => {
    // Prepare: the lake on a 12 MiB tmpfs, with the date published
    const mount = join(await tempFolder('spotify-etl-full-'), 'tmpfs');
    await mkdir(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', mount]);
    try {
      const lake = join(mount, 'lake');
      const filler = join(mount, 'filler');
      const run = async (): Promise<{ code: number; stderr: string }> => {
        const io = captureIo(mount);
        const code = await createRun({ clock })(['--date', date, '--lake', lake, '--json'], io);
        return { code, stderr: io.stderr() };
      };
      expect((await run()).code).toBe(0);
      const published = await publishedState(lake);
      const outcomes: string[] = [];
      for (const kib of freeKiB) {
        // Act: fill the disk but N KiB, then rerun
        await writeFile(filler, Buffer.alloc(Math.max(0, (await freeBytes(mount)) - kib * 1024)));
        const before = manifestAt(lake, date).published;
        const { code, stderr } = await run();
        await rm(filler);
        // Assess: failed and unchanged, or published whole
        const manifest = manifestAt(lake, date);
        expect(await publishedState(lake), `${kib} KiB free`).toEqual(published);
        const complaint = stderr.split('\n').filter((line) => line !== '' && !/^\s+[✓↻…]/.test(line));
        if (code === 0) {
          expect(manifest.published?.executionName, `${kib} KiB free`).toBe(manifest.lastAttempt.executionName);
        } else if (complaint.some((line) => line.includes('ReportNotWrittenError'))) {
          // Published whole, then no room was left for the report: the run fails, the date stays published.
          expect(complaint, `${kib} KiB free`).toEqual([expect.stringMatching(/^spotify-etl run: ReportNotWrittenError: .*(ENOSPC|no space left)/)]);
          expect(manifest.published?.executionName, `${kib} KiB free`).toBe(manifest.lastAttempt.executionName);
        } else {
          expect(code, `${kib} KiB free: ${stderr}`).toBe(1);
          expect(complaint, `${kib} KiB free`).toEqual([expect.stringMatching(/^spotify-etl run: .*(ENOSPC|no space left)/)]);
          expect(manifest.published, `${kib} KiB free`).toEqual(before);
        }
        outcomes.push(`${kib} KiB: ${code === 0 ? 'published' : complaint.some((line) => line.includes('ReportNotWrittenError')) ? 'published, no report' : 'failed'}`);
      }
      // With nothing and almost nothing left, the rerun cannot have published
      expect(outcomes.slice(0, 3)).toEqual(freeKiB.slice(0, 3).map((kib) => `${kib} KiB: failed`));
      console.info(`publish-disk-full: ${outcomes.join(', ')}`);
      // Act: with the space back, a rerun publishes
      const { code, stderr } = await run();
      expect(code, stderr).toBe(0);
      expect(await publishedState(lake)).toEqual(published);
      expect(manifestAt(lake, date)).toMatchObject({ published: { status: 'succeeded' }, lastAttempt: { status: 'succeeded' } });
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
