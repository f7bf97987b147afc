// POST /webhooks/github: GitHub's own signature (X-Hub-Signature-256 over the raw body, constant time), dedupe by
// X-GitHub-Delivery, `ping`, and the accepted events normalised into GitHubEvents (D1) with the raw payload in R2.
// Not under /api: GitHub cannot sign with our HMAC scheme.
import type { Hono } from 'hono';
import { ZodError } from 'zod';
import { normalizeWebhook, verifyWebhookSignature } from '../../content-pipeline/index.ts';
import type { AppBindings } from '../context.ts';
import { AppError } from '../errors.ts';
import { log } from '../log.ts';
import { enqueueRematches } from '../pipeline/rematch.ts';
import { fieldIssues } from '../validation.ts';
import { readCappedBody } from '../middleware/body.ts';

/** GitHub caps webhook payloads at 25 MB; pushes that large carry nothing a recap needs. */
const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;
const DELIVERY_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function registerGitHubWebhookRoutes(app: Hono<AppBindings>): void {
  app.post('/webhooks/github', async (c) => {
    const services = c.get('services');
    const secret = services.githubWebhookSecret;
    if (!secret) throw new AppError('SERVICE_UNAVAILABLE', 'GitHub webhooks are not configured: set GITHUB_WEBHOOK_SECRET');
    const body = await readCappedBody(c.req.raw, MAX_WEBHOOK_BYTES);
    const check = await verifyWebhookSignature(secret, body, c.req.header('X-Hub-Signature-256') ?? null, c.req.header('X-Hub-Signature') ?? null);
    if (!check.ok) {
      log('warn', 'github_webhook_rejected', { reason: check.reason, request_id: c.get('requestId') });
      const message = {
        missing: 'Missing X-Hub-Signature-256',
        malformed: 'X-Hub-Signature-256 must be sha256=<64 hex chars>',
        sha1_only: 'Only X-Hub-Signature-256 (sha256) signatures are accepted',
        mismatch: 'Invalid webhook signature',
      }[check.reason];
      throw new AppError('INVALID_SIGNATURE', message, { header: 'X-Hub-Signature-256' });
    }

    const event = c.req.header('X-GitHub-Event');
    const delivery = c.req.header('X-GitHub-Delivery');
    if (!event) throw new AppError('MISSING_HEADER', 'Missing required header X-GitHub-Event', { header: 'X-GitHub-Event' });
    if (!delivery || !DELIVERY_ID.test(delivery)) {
      throw new AppError('MISSING_HEADER', 'Missing or malformed header X-GitHub-Delivery', { header: 'X-GitHub-Delivery' });
    }
    if (await services.githubEvents.deliverySeen(delivery)) return c.json({ ok: true, duplicate: true, delivery });

    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body));
    } catch {
      throw new AppError('INVALID_JSON', 'Webhook body is not valid JSON');
    }
    const nowIso = new Date(services.clock()).toISOString();
    if (event === 'ping') {
      await services.githubEvents.recordDelivery(delivery, event, 0, nowIso);
      return c.json({ ok: true, event: 'ping', zen: (payload as { zen?: string })?.zen ?? null });
    }

    let events;
    try {
      events = normalizeWebhook(event, payload, nowIso);
    } catch (error) {
      if (error instanceof ZodError) {
        // The same shape as every other 400: one {field, message} per failing field.
        const fields = fieldIssues(error, '(payload)');
        throw new AppError('VALIDATION_FAILED', `${event} payload is missing or has malformed fields: ${fields.map((f) => f.field).join(', ')}`, { fields });
      }
      throw error;
    }
    if (events === null) {
      await services.githubEvents.recordDelivery(delivery, event, 0, nowIso);
      return c.json({ ok: true, ignored: true, event });
    }
    // Raw payload first, then the events, then the clips they may belong to, then the delivery: a crash before the
    // last step is redone on redelivery.
    await services.bucket.put(`github/webhooks/${delivery}.json`, body, {
      httpMetadata: { contentType: 'application/json' },
      customMetadata: { event },
    });
    const stored = await services.githubEvents.upsert(events, 'webhook', nowIso);
    const rematched = await enqueueRematches(events, services);
    await services.githubEvents.rematchQueued(events.map((e) => e.id), nowIso);
    await services.githubEvents.recordDelivery(delivery, event, stored, nowIso);
    log('info', 'github_webhook_stored', { event, delivery, events: stored, rematched_items: rematched });
    return c.json({ ok: true, event, stored, rematched_items: rematched });
  });
}
