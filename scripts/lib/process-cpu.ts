// CPU seconds used by a process tree, split by program, from /proc (Linux). The benchmark uses it to show where a
// request's cost goes on one machine: the worker runtime (workerd), wrangler's dev tooling (node) and the client.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { processTree } from './process-tree.ts';

const TICKS_PER_SECOND = 100;

function stat(pid: number): { seconds: number; program: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The executable's name (the thread name in /proc/<pid>/stat is "MainThread" for node).
    const program = basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '') || text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, program };
  } catch {
    return null;
  }
}

/** CPU seconds of `rootPid` and all its descendants, summed by program name (e.g. workerd, node); null off Linux. */
export function treeCpuSeconds(rootPid: number): Record<string, number> | null {
  if (!stat(rootPid)) return null;
  const totals: Record<string, number> = {};
  for (const pid of processTree(rootPid)) {
    const s = stat(pid);
    if (s) totals[s.program] = (totals[s.program] ?? 0) + s.seconds;
  }
  return totals;
}

/** Milliseconds of CPU per request between two snapshots, by program, plus this process as `client`. */
export function cpuPerRequest(
  before: { tree: Record<string, number> | null; client: NodeJS.CpuUsage },
  after: { tree: Record<string, number> | null; client: NodeJS.CpuUsage },
  requests: number,
): Record<string, number> | null {
  if (!before.tree || !after.tree || requests === 0) return null;
  const perRequest = (seconds: number) => Math.round(((seconds * 1000) / requests) * 100) / 100;
  const out: Record<string, number> = {};
  for (const program of Object.keys(after.tree)) {
    const used = after.tree[program]! - (before.tree[program] ?? 0);
    if (used > 0) out[program] = perRequest(used);
  }
  out.client = perRequest((after.client.user + after.client.system - before.client.user - before.client.system) / 1e6);
  return out;
}

export function cpuSnapshot(rootPid: number): { tree: Record<string, number> | null; client: NodeJS.CpuUsage } {
  return { tree: treeCpuSeconds(rootPid), client: process.cpuUsage() };
}
