// Errors with a code and an HTTP status; mapped to responses in one place (app.ts onError).

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: 400 | 401 | 404 | 409 | 500,
    message: string,
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
  constructor(message: string) {
    super("bad_request", 400, message);
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super("bad_config", 500, message);
  }
}
