// Retrying HTTP for outside APIs: honours 429 with a reset time, retries 5xx and network failures with bounded
// exponential backoff and full jitter, and gives up with a clear error. Time, sleep and randomness are injected.

export interface RetryPolicy {
  /** Attempts after the first, for 5xx and network errors. */
  maxRetries: number;
  /** Backoff base; attempt n waits a random time in [0, base * 2^n], capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest wait accepted for a rate-limit reset; longer ones fail instead of hanging a worker. */
  maxRateLimitWaitMs: number;
  /** 429s waited out in a row before giving up (a reset in the past, or no header, would otherwise loop for ever). */
  maxRateLimitRetries?: number;
  /**
   * How long one attempt may wait for the response's headers before it counts as a network error (and is retried):
   * a service that accepts the connection and never answers must not hold a stage for ever.
   */
  timeoutMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRateLimitWaitMs: 60_000,
  maxRateLimitRetries: 5,
  timeoutMs: 30_000,
};

/** For services that work before they answer (audio extraction, transcription of a clip): two minutes an attempt. */
export const PROCESSING_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, timeoutMs: 120_000 };

class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
}

/** `fetch` that gives up when no response headers came within `timeoutMs` (the body is not limited). */
async function fetchWithin(deps: HttpDeps, request: Request, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new AttemptTimeoutError(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  try {
    return await deps.fetch(request, { signal: controller.signal });
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

export interface HttpDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

export const defaultHttpDeps = (): HttpDeps => ({
  fetch: (input, init) => fetch(input, init),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: Math.random,
});

/**
 * A URL fit for an error message or a log line: origin and path, without the query (API keys travel there) and
 * with every path segment of 16 characters or more masked (a Discord webhook's token is one). An error's message
 * ends up in the logs, and a webhook URL is a secret.
 */
export function loggableUrl(url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return `${origin}${pathname.split('/').map((segment) => (segment.length >= 16 ? '***' : segment)).join('/')}`;
  } catch {
    return '(not a URL)';
  }
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  /** The URL asked for, as `loggableUrl` gives it. */
  readonly url: string;
  constructor(status: number, url: string, message: string) {
    super(message);
    this.status = status;
    this.url = loggableUrl(url);
  }
}

/** Below this, a `Ratelimit-Reset` is seconds to wait (the IETF RateLimit headers); above, an epoch time (Helix). */
const EPOCH_SECONDS_FROM = 1_000_000_000;

/**
 * Milliseconds to wait before retrying a 429: `Retry-After` (seconds or an HTTP date) when given, else
 * `Ratelimit-Reset`, which Helix sends as the epoch second of the reset and the IETF RateLimit headers (API
 * gateways) as seconds to wait; else a second.
 */
export function rateLimitWaitMs(headers: Headers, nowMs: number): number {
  const retryAfter = headers.get('Retry-After')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    // Only an HTTP date (IMF-fixdate): Date.parse reads far too much ("5, 5", two headers joined, as 2001-05-05).
    if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(retryAfter)) {
      const at = Date.parse(retryAfter);
      if (Number.isFinite(at)) return Math.max(0, at - nowMs);
    }
  }
  const reset = Number(headers.get('Ratelimit-Reset'));
  if (Number.isFinite(reset) && reset > 0) return reset < EPOCH_SECONDS_FROM ? reset * 1000 : Math.max(0, reset * 1000 - nowMs) + 100;
  return 1_000;
}

/**
 * Sends the request built by `makeRequest` (called again for each attempt, so headers such as a refreshed token
 * are current) until it gets a non-retryable answer. Returns that response, whatever its status, for the caller
 * to interpret; throws HttpError when retries or the rate-limit budget run out.
 */
export async function fetchWithRetry(
  makeRequest: () => Promise<Request> | Request,
  deps: HttpDeps,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<Response> {
  let failures = 0;
  let rateLimited = 0;
  for (;;) {
    const request = await makeRequest();
    let response: Response | undefined;
    let networkError: unknown;
    try {
      response = await fetchWithin(deps, request, policy.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs!);
    } catch (error) {
      networkError = error;
    }
    if (response?.status === 429) {
      const wait = rateLimitWaitMs(response.headers, deps.now());
      await response.body?.cancel();
      if (wait > policy.maxRateLimitWaitMs) {
        throw new HttpError(429, request.url, `rate limited by ${new URL(request.url).host} for ${Math.ceil(wait / 1000)} s`);
      }
      if (rateLimited >= (policy.maxRateLimitRetries ?? DEFAULT_RETRY_POLICY.maxRateLimitRetries!)) {
        throw new HttpError(429, request.url, `still rate limited by ${new URL(request.url).host} after ${rateLimited + 1} attempts`);
      }
      rateLimited++;
      await deps.sleep(wait);
      continue;
    }
    const retryable = networkError !== undefined || (response !== undefined && response.status >= 500);
    if (!retryable) return response!;
    if (failures >= policy.maxRetries) {
      const detail = response ? `HTTP ${response.status}` : `network error: ${String((networkError as Error)?.message ?? networkError).replaceAll(request.url, loggableUrl(request.url))}`;
      await response?.body?.cancel();
      throw new HttpError(response?.status ?? 0, request.url, `${request.method} ${loggableUrl(request.url)} failed after ${failures + 1} attempts (${detail})`);
    }
    await response?.body?.cancel();
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** failures);
    failures++;
    await deps.sleep(Math.round(deps.random() * ceiling));
  }
}
