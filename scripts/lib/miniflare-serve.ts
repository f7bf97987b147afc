// Child process of startWorker({ runtime: 'miniflare' }): serves a worker bundle on workerd through Miniflare, the
// engine under `wrangler dev`, with the bindings wrangler derives from wrangler.toml's default (local)
// environment, local state where `wrangler dev --persist-to` keeps it, and nothing else: no dev proxy in front,
// no inspector, no file watcher. The benchmark measures the worker this way (docs/performance.md); the worker's
// log lines go to this process's stdout, as wrangler dev prints them.
//   node scripts/lib/miniflare-serve.ts --bundle <dir with index.js> --port <n> --persist-to <dir> [--vars <json>]
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { z } from 'zod';
import { ROOT } from './dev-vars.ts';

const { values } = parseArgs({
  options: { bundle: { type: 'string' }, port: { type: 'string' }, 'persist-to': { type: 'string' }, vars: { type: 'string', default: '{}' } },
});
const bundle = z.string().min(1).parse(values.bundle);
const port = z.coerce.number().int().min(1).max(65_535).parse(values.port);
const persistTo = z.string().min(1).parse(values['persist-to']);
const vars = z.record(z.string(), z.string()).parse(JSON.parse(values.vars!));

const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.toml'));
// wrangler's options describe the TypeScript entry for its own bundler; Miniflare gets the bundle it built, whose
// modules are already resolved, hence no module rules.
const worker = {
  ...workerOptions,
  name: 'clip-recap',
  modules: [{ type: 'ESModule' as const, path: join(bundle, 'index.js') }],
  modulesRoot: bundle,
  modulesRules: undefined,
  bindings: { ...(workerOptions.bindings as Record<string, unknown> | undefined), ...vars },
};
const miniflare = new Miniflare(
  convertV4MiniflareOptions({
    workers: [worker],
    host: '127.0.0.1',
    port,
    // wrangler dev keeps D1, R2 and the queues under <persist-to>/v3, which `wrangler d1 migrations apply` migrated.
    resourcePersistencePath: join(persistTo, 'v3'),
  } as Parameters<typeof convertV4MiniflareOptions>[0]),
);
await miniflare.ready;

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void miniflare.dispose().finally(() => process.exit(0));
  });
}
