// Helpers for pipeline tests in workerd: polling, reading items straight from D1, the fake Twitch's control API.
import { env } from 'cloudflare:workers';
import { ContentItem, JobStatusResponse } from '../../content-pipeline/index.ts';
import { parseEnv } from '../../worker/env.ts';
import { createServices, type Services } from '../../worker/services.ts';
import { signedFetch } from './support.ts';

export const helixBase = () => (env as unknown as { TWITCH_API_BASE: string }).TWITCH_API_BASE;

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await scheduler.wait(100);
  }
}

export async function startIngest(body: object): Promise<string> {
  const response = await signedFetch('POST', '/api/clips/ingest', { body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`ingest refused: ${response.status} ${await response.text()}`);
  return (await response.json<{ job_id: string }>()).job_id;
}

export async function finishedJob(jobId: string): Promise<JobStatusResponse> {
  return waitFor(`job ${jobId}`, async () => {
    const status = await (await signedFetch('GET', `/api/jobs/${jobId}/status`)).json<JobStatusResponse>();
    return status.status === 'completed' || status.status === 'failed' ? JobStatusResponse.parse(status) : undefined;
  });
}

export async function storedItems(): Promise<ContentItem[]> {
  const { results } = await env.DB.prepare('SELECT item_json FROM content_items ORDER BY content_item_id').all<{ item_json: string }>();
  return results.map((r) => ContentItem.parse(JSON.parse(r.item_json)));
}

export async function storedItem(clipId: string): Promise<ContentItem | undefined> {
  return (await storedItems()).find((i) => i.clip_id === clipId);
}

export async function helixControl(path: 'faults' | 'expire-tokens' | 'reset', body?: unknown): Promise<void> {
  const response = await fetch(`${helixBase()}/__control/${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
  if (!response.ok) throw new Error(`fake helix control ${path}: ${response.status}`);
}

export async function helixLog(): Promise<Array<{ path: string; status: number; query: Record<string, string[]> }>> {
  return (await (await fetch(`${helixBase()}/__control/log`)).json<{ log: Array<{ path: string; status: number; query: Record<string, string[]> }> }>()).log;
}

/** Services on a clock the test moves, with the queue's sends captured instead of delivered. */
export function servicesAt(clock: { t: number }, overrides: Partial<Services> = {}) {
  const sent: unknown[] = [];
  const jobsQueue = { send: async (b: unknown) => void sent.push(b), sendBatch: async (bs: Array<{ body: unknown }>) => void sent.push(...bs.map((b) => b.body)) } as unknown as Queue;
  const services: Services = { ...createServices(parseEnv(env), () => clock.t), jobsQueue, ...overrides };
  return { services, sent };
}

/** A job's row as D1 holds it. */
export const jobRow = (jobId: string) => env.DB.prepare('SELECT * FROM jobs WHERE job_id = ?').bind(jobId).first<Record<string, any>>();

/** A point a handler stops at until the test opens it (`reached` once the handler is there). */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const reached = new Promise<void>((resolve) => (entered = resolve));
  return { open, opened, entered, reached };
}
