// The typed Hono environment shared by the app, middleware and routes.
import type { WorkerEnv } from './env.ts';
import type { NonceClaim } from './middleware/nonce-claim.ts';
import type { Services } from './services.ts';

/** What the HMAC middleware established about a request that passed it. */
export interface SignedRequestContext {
  keyId: string;
  idempotencyKey?: string;
  /** Canonical QUERY, part of the idempotency fingerprint. */
  canonicalQuery: string;
  bodySha256: string;
  /** Parsed JSON body, or undefined when the request had none. */
  body: unknown;
}

export interface AppBindings {
  Bindings: WorkerEnv;
  Variables: {
    requestId: string;
    services: Services;
    signed: SignedRequestContext;
    /** The request's nonce claim: settled by the HMAC middleware, or by the route's first D1 batch. */
    nonce: NonceClaim;
    /** Set on routes that claim the nonce with their first write (nonceWithFirstWrite). */
    nonceWithFirstWrite: boolean;
  };
}
