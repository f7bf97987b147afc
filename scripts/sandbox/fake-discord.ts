// A Discord incoming-webhook stand-in: records what it is sent (GET /__control/messages), answers 204 like
// Discord, and can be told to fail (POST /__control/fail with {"count": n}) to show failures never break a job.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FakeDiscord {
  readonly messages: Array<{ content: string; allowed_mentions?: unknown }> = [];
  private failuresLeft = 0;
  private server: Server | undefined;
  baseUrl = '';

  get webhookUrl(): string {
    return `${this.baseUrl}/api/webhooks/1/fake-token`;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/__control/messages') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ messages: this.messages }));
        return;
      }
      if (path === '/__control/fail') {
        this.failuresLeft = (JSON.parse(raw || '{}') as { count?: number }).count ?? 1;
        res.writeHead(200).end();
        return;
      }
      if (req.method === 'POST' && path.startsWith('/api/webhooks/')) {
        if (this.failuresLeft > 0) {
          this.failuresLeft--;
          res.writeHead(500).end();
          return;
        }
        this.messages.push(JSON.parse(raw));
        res.writeHead(204).end();
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
