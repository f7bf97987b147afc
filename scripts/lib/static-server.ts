// A tiny static file server for a built site, close enough to Cloudflare Pages for the browser tests, the offline
// demo and the benchmark: directories serve index.html, unknown paths the site's 404.html with status 404, and the
// rules of the site's _headers file (path patterns with a trailing *) are applied; `extra` answers paths outside
// the site. Listens on 127.0.0.1 (a random port unless one is given).
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

async function fileAt(path: string): Promise<string | null> {
  const s = await stat(path).catch(() => null);
  if (s?.isFile()) return path;
  if (s?.isDirectory()) {
    const index = join(path, 'index.html');
    return (await stat(index).catch(() => null))?.isFile() ? index : null;
  }
  return null;
}

type HeaderRule = { pattern: string; headers: [string, string][] };

/** The subset of Cloudflare Pages' _headers format the site uses: `/path` or `/prefix*` lines, indented `Name: value`. */
export function parseHeadersFile(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) rules.push({ pattern: line.trim(), headers: [] });
    else {
      const i = line.indexOf(':');
      rules.at(-1)?.headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
  }
  return rules;
}

function headersFor(rules: HeaderRule[], pathname: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of rules) {
    const match = rule.pattern.endsWith('*') ? pathname.startsWith(rule.pattern.slice(0, -1)) : pathname === rule.pattern;
    if (match) for (const [k, v] of rule.headers) out[k] = v;
  }
  return out;
}

/** A response the server gives for a path outside the site (e.g. the benchmark's stand-in thumbnails). */
export interface ExtraResponse {
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
}

export interface StaticServerOptions {
  /** Answers paths the site does not have; undefined falls through to the site. */
  extra?: (pathname: string) => ExtraResponse | undefined;
}

export async function serveStatic(dir: string, port = 0, options: StaticServerOptions = {}): Promise<StaticServer> {
  const root = resolve(dir);
  const rules = existsSync(join(root, '_headers')) ? parseHeadersFile(readFileSync(join(root, '_headers'), 'utf8')) : [];
  const server: Server = createServer(async (req, res) => {
    try {
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      } catch {
        // A `%` not followed by two hex digits, or bytes that are not UTF-8: no file has that name.
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request: malformed percent-encoding in the path');
        return;
      }
      const extra = options.extra?.(pathname);
      if (extra) {
        res.writeHead(200, { ...extra.headers, 'Content-Type': extra.contentType, 'Content-Length': extra.body.length });
        res.end(req.method === 'HEAD' ? undefined : extra.body);
        return;
      }
      const target = normalize(join(root, pathname));
      if (target !== root && !target.startsWith(root + sep)) {
        res.writeHead(400).end();
        return;
      }
      let file = await fileAt(target);
      let status = 200;
      if (!file) {
        file = await fileAt(join(root, '404.html'));
        status = 404;
      }
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      // A length, not chunked encoding, as Pages sends static files (and so transfer sizes count no chunk framing).
      res.writeHead(status, {
        'Cache-Control': 'no-store',
        ...headersFor(rules, pathname),
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': (await stat(file)).size,
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(port, '127.0.0.1', r);
  });
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((r, j) => {
        server.closeAllConnections();
        server.close((err) => (err ? j(err) : r()));
      }),
  };
}
