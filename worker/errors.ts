// Errors as data: every failure the API reports has a code here, one table maps codes to HTTP statuses, and one
// function writes the wire shape `{"error": {"code", "message", "occurred_at"}, "request_id"}`.

const STATUS_BY_CODE = {
  MISSING_HEADER: 400,
  INVALID_HEADER: 400,
  INVALID_TIMESTAMP: 400,
  INVALID_QUERY: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  CLOCK_SKEW: 401,
  INVALID_API_KEY: 401,
  INVALID_SIGNATURE: 401,
  NONCE_REUSED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BAD_ENVIRONMENT: 500,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS_BY_CODE;
export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];

/** A failure we expect and describe to the caller; anything else is an internal error. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  /** Field-level details (e.g. validation issues); never secrets. */
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): ErrorStatus {
    return STATUS_BY_CODE[this.code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; occurred_at: string; details?: unknown };
  request_id: string;
}

export function errorBody(error: AppError, requestId: string, nowMs: number): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      occurred_at: new Date(nowMs).toISOString(),
      ...(error.details !== undefined && { details: error.details }),
    },
    request_id: requestId,
  };
}

export function errorResponse(error: AppError, requestId: string, nowMs: number): Response {
  const headers = new Headers({ 'X-Request-Id': requestId, 'Cache-Control': 'no-store' });
  if (error.code === 'IDEMPOTENCY_IN_PROGRESS') headers.set('Retry-After', '1');
  return Response.json(errorBody(error, requestId, nowMs), { status: error.status, headers });
}
