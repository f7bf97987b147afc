// The Discord notifier over real HTTP against a local server: what it sends, and that its errors (which the
// worker logs) never carry the webhook URL's token.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHttpDeps, loggableUrl } from '../../content-pipeline/http/retry.ts';
import { DiscordNotifier } from '../../content-pipeline/notify/discord.ts';

const TOKEN = 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3rS5tU7vW9';
let server: Server;
let origin = '';
let status = 204;
const received: Array<{ path: string; body: unknown }> = [];

const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let data = '';
  req.on('data', (chunk) => (data += chunk));
  req.on('end', () => resolve(data));
});

beforeAll(async () => {
  server = createServer(async (req, res) => {
    received.push({ path: req.url ?? '', body: JSON.parse(await read(req)) });
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const deps = { ...defaultHttpDeps(), sleep: async () => {} };
const webhook = () => `${origin}/api/webhooks/1234567890123456789/${TOKEN}`;

describe('DiscordNotifier', () => {
  it('posts plain content with mentions disabled', async () => {
    status = 204;
    received.length = 0;
    await new DiscordNotifier(webhook(), deps).notify('@everyone recap published');
    expect(received).toEqual([{ path: `/api/webhooks/1234567890123456789/${TOKEN}`, body: { content: '@everyone recap published', allowed_mentions: { parse: [] } } }]);
  });

  it('fails without the token in its error after 5xx answers, and after a refused connection', async () => {
    status = 503;
    const answered = await new DiscordNotifier(webhook(), deps).notify('x').then(() => null, (e: Error) => e);
    expect(answered?.message).toMatch(/failed after 3 attempts \(HTTP 503\)/);
    expect(answered?.message).toContain(`${origin}/api/webhooks/***/***`);
    expect(answered?.message).not.toContain(TOKEN);
    expect(JSON.stringify(answered)).not.toContain(TOKEN);

    const closed = `http://127.0.0.1:1/api/webhooks/1234567890123456789/${TOKEN}`;
    const refused = await new DiscordNotifier(closed, deps).notify('x').then(() => null, (e: Error) => e);
    expect(refused?.message).toMatch(/network error/);
    expect(refused?.message).not.toContain(TOKEN);
  });
});

describe('loggableUrl', () => {
  it('keeps origin and path, drops the query and masks long path segments', () => {
    expect(loggableUrl('https://api.github.com/repos/o/r/commits?per_page=100&since=x')).toBe('https://api.github.com/repos/o/r/commits');
    expect(loggableUrl('https://audio.example/extract?key=sk-secret')).toBe('https://audio.example/extract');
    expect(loggableUrl(`https://discord.com/api/webhooks/123/${TOKEN}`)).toBe('https://discord.com/api/webhooks/123/***');
    expect(loggableUrl('not a url')).toBe('(not a URL)');
  });
});
