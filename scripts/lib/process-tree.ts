// A process and all its descendants, read from /proc (Linux): the benchmark's memory runner and its CPU accounting
// both measure whole process trees (wrangler's node and workerd; Astro and its native helpers).
import { readdirSync, readFileSync } from 'node:fs';

/** The direct children of `pid` (of every one of its threads); empty when it is gone. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (c) out.push(Number(c));
    } catch {
      // the thread or process ended while we looked
    }
  }
  return out;
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...childrenOf(pid));
  }
  return [...seen];
}
