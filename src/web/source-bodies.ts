// The bodies the sources admin API (and the console, through it) accepts: checked here, and
// written into the OpenAPI document (scripts/openapi.ts) from the same schemas.
// zod's tree-shakable build: the classic `zod` import drags ~750 KB (every locale) into the Worker.
import * as z from "zod/mini";
import { isTimeZone } from "../core/time";
import { parseHttpUrl } from "../core/urls";

const isHttpUrl = (v: string) => (parseHttpUrl(v)?.hostname.length ?? 0) > 0;

const slug = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be 1–64 lowercase letters, digits, - or _"));
const text = z
  .string()
  .check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(100, "must be at most 100 characters"));
const httpUrl = z
  .string()
  .check(z.maxLength(2000, "must be at most 2000 characters"), z.refine(isHttpUrl, "must be an absolute http(s) URL"));
const fields = {
  name: text,
  feed_url: httpUrl,
  label: z.optional(text),
  homepage: z.optional(z.nullable(httpUrl)),
  timezone: z.optional(z.string().check(z.refine(isTimeZone, "must be an IANA time zone such as Asia/Shanghai"))),
  interval_minutes: z.optional(
    z
      .number()
      .check(
        z.refine(Number.isInteger, "must be a whole number"),
        z.gte(5, "must be at least 5"),
        z.lte(1440, "must be at most 1440"),
      ),
  ),
  enabled: z.optional(z.boolean()),
  // Serve its articles' images through this site's image proxy (web/image-proxy.ts).
  proxy_images: z.optional(z.boolean()),
  // How the source is read: a feed (default), web pages or a JSON API; its rules are checked by
  // parseRules (ingest/rules.ts), which names the bad field.
  kind: z.optional(z.enum(["feed", "html", "json"])),
  rules: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
};
export const createBody = z.strictObject({ slug, ...fields });
export const dryRunBody = z.strictObject({ ...fields, slug: z.optional(slug) });
export const patchBody = z.partial(z.strictObject(fields));
