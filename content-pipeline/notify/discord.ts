// Discord notifications through an incoming webhook: plain text, mentions disabled (titles come from anyone and
// must not ping @everyone), at most 2,000 characters. A failure to send is the caller's to log, never to throw.
import { fetchWithRetry, type HttpDeps } from '../http/retry.ts';

export interface Notifier {
  notify(message: string): Promise<void>;
}

export class DiscordNotifier implements Notifier {
  private readonly webhookUrl: string;
  private readonly deps: HttpDeps;

  constructor(webhookUrl: string, deps: HttpDeps) {
    this.webhookUrl = webhookUrl;
    this.deps = deps;
  }

  async notify(message: string): Promise<void> {
    const content = message.length > 2000 ? `${message.slice(0, 1997)}...` : message;
    const response = await fetchWithRetry(
      () =>
        new Request(this.webhookUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ content, allowed_mentions: { parse: [] } }),
        }),
      this.deps,
      { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 2000, maxRateLimitWaitMs: 10_000 },
    );
    await response.body?.cancel();
    if (!response.ok) throw new Error(`Discord answered HTTP ${response.status}`);
  }
}

/** Used when DISCORD_WEBHOOK_URL is not set. */
export const silentNotifier: Notifier = { notify: async () => {} };
