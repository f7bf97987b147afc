// Runs one command and measures it: wall time and peak resident memory of its whole process tree.
//   node scripts/bench/measure-child.mjs --out result.json -- <command> [args...]
// The command inherits this process's cwd, environment and stdio (its output appears as ours); the exit code
// is passed through. The measurement is written as JSON to --out (stdout belongs to the command):
//   { code, signal, seconds, peak_rss_kb, root_hwm_kb, max_process_hwm_kb, processes, samples }
//
// How memory is measured (Linux /proc, the same way for every command benchmarked with this runner):
// every POLL_MS the runner walks the tree (the child, then /proc/<pid>/task/<tid>/children recursively) and reads
// VmRSS and VmHWM from /proc/<pid>/status of each process.
// - peak_rss_kb: the highest SUM of VmRSS over the tree seen at any sample: the memory the job held at once,
//   including helper binaries (esbuild, the bundler's workers). Sampled, so a spike shorter than POLL_MS can be missed.
// - root_hwm_kb: VmHWM (the kernel's exact high-water mark) of the spawned process itself, as last read.
// - max_process_hwm_kb: the largest VmHWM of any single process in the tree.
// process.resourceUsage().maxRSS would be exact too, but only for one Node process: it misses the helper
// binaries, so it cannot compare builds that use different ones.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { processTree } from '../lib/process-tree.ts';

const POLL_MS = 20;

function parseArgs(argv) {
  const dash = argv.indexOf('--');
  if (dash < 0 || dash === argv.length - 1) throw new Error('usage: measure-child.mjs [--out file.json] -- <command> [args...]');
  const own = argv.slice(0, dash);
  const outAt = own.indexOf('--out');
  return { out: outAt >= 0 ? own[outAt + 1] : undefined, command: argv[dash + 1], args: argv.slice(dash + 2) };
}

/** { rss, hwm } in kB for one process, or null when it is gone (or a zombie with no memory). */
function memoryOf(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(text);
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(text);
  if (!rss || !hwm) return null;
  return { rss: Number(rss[1]), hwm: Number(hwm[1]) };
}


const { out, command, args } = parseArgs(process.argv.slice(2));
const started = performance.now();
const child = spawn(command, args, { stdio: 'inherit' });
const hwmByPid = new Map();
let peakRss = 0;
let rootHwm = 0;
let samples = 0;

function sample() {
  if (child.pid === undefined) return;
  let sum = 0;
  for (const pid of processTree(child.pid)) {
    const mem = memoryOf(pid);
    if (!mem) continue;
    sum += mem.rss;
    hwmByPid.set(pid, Math.max(hwmByPid.get(pid) ?? 0, mem.hwm));
    if (pid === child.pid) rootHwm = Math.max(rootHwm, mem.hwm);
  }
  samples++;
  peakRss = Math.max(peakRss, sum);
}

sample();
const timer = setInterval(sample, POLL_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

child.on('error', (err) => {
  clearInterval(timer);
  console.error(`measure-child: cannot run ${command}: ${err.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  const result = {
    code,
    signal,
    seconds,
    peak_rss_kb: peakRss,
    root_hwm_kb: rootHwm,
    max_process_hwm_kb: Math.max(0, ...hwmByPid.values()),
    processes: hwmByPid.size,
    samples,
  };
  if (out) writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  else console.error(JSON.stringify(result));
  process.exitCode = code ?? 1;
});
