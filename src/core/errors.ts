// Errors with a code and an HTTP status. Handlers throw them; app.ts onError is the one place
// they become responses (an HTML page, a plain-text reason for feeds and the hub, or RFC 9457
// problem details for the JSON API).

/** One bad field of a request, named in the problem details' `errors`. */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

export type ErrorStatus = 400 | 401 | 404 | 409 | 422 | 429 | 500 | 503;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: ErrorStatus,
    message: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export class NotFoundError extends AppError {
  constructor(message = "页面不存在") {
    super("not_found", 404, message);
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, errors?: readonly FieldError[]) {
    super("bad_request", 400, message, errors);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super("conflict", 409, message);
  }
}

/** Well-formed, but not something we can act on (a web page that advertises no feed). */
export class UnprocessableError extends AppError {
  constructor(message: string) {
    super("unprocessable", 422, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    /** Seconds to wait, sent as Retry-After by onError; null when no wait would help (a cap). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super("too_many_requests", 429, message);
  }
}

/** A required setting of the deployment is missing: the operator's mistake, not the caller's. */
export class NotConfiguredError extends AppError {
  constructor(message: string) {
    super("not_configured", 503, message);
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super("bad_config", 500, message);
  }
}
