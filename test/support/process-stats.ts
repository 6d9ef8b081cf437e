import { readFile } from 'node:fs/promises';

/**
 * Resident set size of a process in MB, read from `/proc/<pid>/status` (`VmRSS`); undefined where
 * there is no procfs or the process is gone.
 */
export async function residentSetMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Samples `residentSetMb` every `everyMs` until stopped; `stop()` resolves with the peak seen. */
export function sampleResidentSet(pid: number | undefined, everyMs = 50): { stop(): Promise<number | undefined> } {
  let peak: number | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rss = await residentSetMb(pid);
      if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}
