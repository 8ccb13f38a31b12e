// RFC 9457 problem details: the one error shape of the JSON API, written only by app.ts onError
// (handlers throw AppError).
import type { Context } from "hono";
import type { ErrorStatus, FieldError } from "../core/errors";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

export function problem(c: Context, status: ErrorStatus, detail: string, errors?: readonly FieldError[]): Response {
  return c.body(
    JSON.stringify({ type: "about:blank", title: TITLES[status], status, detail, ...(errors ? { errors } : {}) }),
    status,
    { "content-type": "application/problem+json; charset=utf-8" },
  );
}
