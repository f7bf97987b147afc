// `npm run dev`: the worker on local workerd (http://127.0.0.1:8787) with persisted D1, R2 and Queues under
// .wrangler/, migrations applied first, offline. .dev.vars is created from .dev.vars.example when missing.
//   node scripts/dev.ts [--port 8787] [--persist-to .wrangler/state]
import { join } from 'node:path';
import { parseCli, portFlag } from './lib/cli-args.ts';
import { DEV_VARS, ensureDevVars, ROOT } from './lib/dev-vars.ts';
import { startWorker, WorkerStartError } from './lib/worker-process.ts';

const USAGE = 'usage: npm run dev [-- --port 8787] [--persist-to .wrangler/state]';
const { values } = parseCli(USAGE, {
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    'persist-to': { type: 'string', default: join(ROOT, '.wrangler', 'state') },
  },
});

const port = portFlag(USAGE, 'port', values.port);

if (ensureDevVars()) console.log(`Created ${DEV_VARS} from .dev.vars.example (local-only keys).`);
try {
  const worker = await startWorker({ port, persistTo: values['persist-to']!, inherit: true });
  console.log(worker.migrationsApplied ? 'D1 migrations: applied.' : 'D1 migrations: up to date.');
  const stop = () => void worker.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  worker.process.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
} catch (error) {
  if (error instanceof WorkerStartError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
