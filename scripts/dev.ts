// `npm run dev`: the worker on local workerd (http://127.0.0.1:8787) with persisted D1, R2 and Queues under
// .wrangler/, migrations applied first, offline (no metrics, no Request.cf fetch).
//   node scripts/dev.ts [--port 8787] [--persist-to .wrangler/state]
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEV_VARS, ensureDevVars, ROOT } from './lib/dev-vars.ts';
import { isPortFree } from './lib/ports.ts';

/** Environment that keeps wrangler and Miniflare off the network. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_TELEMETRY_DISABLED: '1',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
} as const;

const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    'persist-to': { type: 'string', default: join(ROOT, '.wrangler', 'state') },
  },
});
const port = Number(values.port);
const persistTo = values['persist-to']!;
const env = { ...process.env, ...OFFLINE_ENV };

if (ensureDevVars()) console.log(`Created ${DEV_VARS} from .dev.vars.example (local-only keys).`);

if (!(await isPortFree(port))) {
  console.error(`Port ${port} on 127.0.0.1 is already in use (another \`npm run dev\`?). Stop it or use --port <n>.`);
  process.exit(1);
}

const migrate = spawnSync(
  process.execPath,
  [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
  { cwd: ROOT, env: { ...env, CI: 'true' }, encoding: 'utf8' },
);
if (migrate.status !== 0) {
  console.error(`Applying D1 migrations failed:\n${migrate.stdout}${migrate.stderr}`);
  console.error(`If the local state under ${persistTo} is stale or corrupt, delete that folder and run again.`);
  process.exit(1);
}
console.log(/No migrations to apply/.test(migrate.stdout) ? 'D1 migrations: up to date.' : 'D1 migrations: applied.');

const dev = spawn(
  process.execPath,
  [
    WRANGLER, 'dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--persist-to', persistTo,
    '--show-interactive-dev-session=false',
  ],
  { cwd: ROOT, env, stdio: 'inherit' },
);
const stop = () => dev.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
