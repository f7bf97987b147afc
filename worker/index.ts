// The worker's entry: HTTP, queue and cron handlers, each validating the environment first.
import { createApp } from './app.ts';
import { parseEnv, type WorkerEnv } from './env.ts';
import { runScheduled } from './cron/scheduled.ts';
import { describeError, log } from './log.ts';
import { consumeBatch } from './queue/consumer.ts';
import { createServices } from './services.ts';

const app = createApp();

function servicesFor(env: WorkerEnv, entry: string) {
  try {
    return createServices(parseEnv(env));
  } catch (error) {
    log('error', 'bad_environment', { entry, ...describeError(error) });
    throw error;
  }
}

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  async queue(batch, env, _ctx) {
    await consumeBatch(batch, servicesFor(env, 'queue'));
  },
  async scheduled(controller, env, _ctx) {
    await runScheduled(controller.cron, controller.scheduledTime, servicesFor(env, 'scheduled'));
  },
} satisfies ExportedHandler<WorkerEnv>;
