// The worker's entry: HTTP, queue and cron handlers, each validating the environment first.
import { createApp } from './app.ts';
import { parseEnv, type WorkerEnv } from './env.ts';
import { runScheduled } from './cron/scheduled.ts';
import { describeError, log } from './log.ts';
import { consumeBatch } from './queue/consumer.ts';
import { createServices, type ServiceOptions } from './services.ts';

const app = createApp();

function servicesFor(env: WorkerEnv, entry: string, options?: ServiceOptions) {
  try {
    return createServices(parseEnv(env), undefined, options);
  } catch (error) {
    log('error', 'bad_environment', { entry, ...describeError(error) });
    throw error;
  }
}

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  async queue(batch, env, _ctx) {
    await consumeBatch(batch, servicesFor(env, 'queue', { coalesceD1Batches: true }));
  },
  async scheduled(controller, env, _ctx) {
    await runScheduled(controller.cron, controller.scheduledTime, servicesFor(env, 'scheduled'));
  },
} satisfies ExportedHandler<WorkerEnv>;
