// The benchmark's load generator: HTTP/1.1 over kept-alive sockets with node:http, and latency percentiles.
// It shares the two cores with the worker it measures, so it must cost little: node:http took 0.07-0.12 ms of
// client CPU per request where fetch (undici) took 0.32-0.48 ms, CPU the worker then lacked (24 November, /health
// at concurrency 10, side by side in one process).
import { Agent, request as httpRequest } from 'node:http';

export interface LatencyStats {
  requests: number;
  errors: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

export function latencyStats(latencies: number[], errors: number, seconds: number): LatencyStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
  return { requests: latencies.length, errors, rps: Math.round((latencies.length / seconds) * 10) / 10, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99) };
}

export interface PlainRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A client for one origin whose sockets stay open between requests (at most `sockets` at a time). */
export class LoadClient {
  private readonly agent: Agent;
  private readonly origin: URL;

  constructor(origin: string, sockets = 64) {
    this.origin = new URL(origin);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  send(request: PlainRequest): Promise<PlainResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { agent: this.agent, host: this.origin.hostname, port: this.origin.port, method: request.method, path: request.path, headers: request.headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `concurrency` loops sending `next()` for `seconds`; latency is from sending to the whole body read. */
export async function load(client: LoadClient, next: () => Promise<PlainRequest> | PlainRequest, concurrency: number, seconds: number, expectStatus: number): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const request = await next();
        const started = performance.now();
        try {
          const response = await client.send(request);
          if (response.status === expectStatus) latencies.push(performance.now() - started);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return latencyStats(latencies, errors, seconds);
}
