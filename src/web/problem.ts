// RFC 9457 problem details: the one error shape of the JSON API.
import type { Context } from "hono";

export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  409: "Conflict",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function problem(
  c: Context,
  status: 400 | 401 | 404 | 409 | 500 | 503,
  detail: string,
  errors?: readonly FieldError[],
): Response {
  return c.body(
    JSON.stringify({ type: "about:blank", title: TITLES[status], status, detail, ...(errors ? { errors } : {}) }),
    status,
    { "content-type": "application/problem+json; charset=utf-8" },
  );
}
