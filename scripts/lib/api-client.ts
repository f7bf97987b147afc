// A small client for the signed API, used by the offline demo and the benchmark: signs with the project's signing
// function and the local key, and waits for jobs.
import { signRequest, type ApiKey, type JobStatusResponse } from '../../content-pipeline/index.ts';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly key: ApiKey;

  constructor(baseUrl: string, key: ApiKey) {
    this.baseUrl = baseUrl;
    this.key = key;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signed = await signRequest({ method, url: path, secret: this.key.secret, keyId: this.key.id, ...(text !== undefined && { body: text }) });
    const response = await fetch(new URL(path, this.baseUrl), { method, headers: { ...signed.headers, ...headers }, body: text ?? null });
    const raw = await response.text();
    const parsed = raw ? (JSON.parse(raw) as T & { error?: { message: string } }) : (undefined as T);
    if (!response.ok) throw new ApiError(response.status, `${method} ${path} answered ${response.status}: ${(parsed as { error?: { message: string } })?.error?.message ?? raw}`);
    return { status: response.status, body: parsed };
  }

  /** Polls a job until it completes or fails (or the timeout passes); throws when it failed. */
  async waitForJob(jobId: string, timeoutMs = 120_000): Promise<JobStatusResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.request<JobStatusResponse>('GET', `/api/jobs/${jobId}/status`);
      if (body.status === 'completed') return body;
      if (body.status === 'failed') throw new ApiError(500, `job ${jobId} failed: ${body.error?.message ?? 'no message'}`);
      if (Date.now() > deadline) throw new ApiError(504, `job ${jobId} still ${body.status} after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
