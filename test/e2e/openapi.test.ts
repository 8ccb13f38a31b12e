// The OpenAPI document: valid OpenAPI 3.1 by an independent validator, served by the site, and
// listing every API route the worker answers.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, inject, it } from "vitest";
import { ROOT } from "./server";

const base = inject("baseUrl");

describe("/api/v1/openapi.json", () => {
  it("is served with CORS and validates as OpenAPI 3.1", async () => {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const doc = (await res.json()) as { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("lists every /api/v1 route the worker defines", async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, "public/api/v1/openapi.json"), "utf8")) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    // Routes as the source declares them: .get("/api/v1/…"), .post(…), … in src/web.
    const declared = new Set<string>();
    for (const file of readdirSync(join(ROOT, "src/web"))) {
      const text = readFileSync(join(ROOT, "src/web", file), "utf8");
      for (const m of text.matchAll(/\.(get|post|patch|delete|put)\(\s*"\/api\/v1(\/[^"]*)"/g)) {
        declared.add(`${m[1]!.toUpperCase()} ${m[2]!.replace(/:(\w+)/g, "{$1}")}`);
      }
    }
    expect(declared.size).toBeGreaterThan(8);
    expect([...declared].filter((r) => !documented.has(r))).toEqual([]);
  });
});
