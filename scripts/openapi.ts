// npm run openapi — write public/api/v1/openapi.json (OpenAPI 3.1) from the schemas that validate
// the API's requests (src/web/api.ts). `--check` fails when the committed file is stale.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod/mini";
import { LIST_QUERY, PARAM_DOCS } from "../src/web/api";
import { ARTICLE, ARTICLE_LIST, CATEGORY, DISCOVERY, PROBLEM, TAG } from "../src/web/api-responses";
import { createBody, patchBody } from "../src/web/source-bodies";

const schemaOf = (s: z.ZodMiniType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { target: "draft-2020-12", io: "input" }) as Record<
    string,
    unknown
  >;
  return rest;
};
const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const jsonResponse = (description: string, ref: string) => ({
  description,
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});

export function openApiDocument(): object {
  const listParameters = (Object.keys(LIST_QUERY) as (keyof typeof LIST_QUERY)[]).map((name) => ({
    name,
    in: "query",
    required: false,
    description: PARAM_DOCS[name],
    schema: schemaOf(LIST_QUERY[name]),
  }));
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "本地新闻聚合 API",
      version: "1.0.0",
      description:
        "Articles, categories and tags of the edge news site. Dates are RFC 3339 with the source's own offset.",
    },
    servers: [{ url: "/api/v1" }],
    paths: {
      "/articles": {
        get: {
          operationId: "listArticles",
          summary: "Articles, newest first, cursor-paginated",
          parameters: listParameters,
          responses: {
            "200": jsonResponse("A page of articles", "ArticleList"),
            "304": { description: "Not modified (If-None-Match)" },
            "400": problemResponse("A parameter is invalid"),
          },
        },
      },
      "/articles/{id}": {
        get: {
          operationId: "getArticle",
          summary: "One article with its sanitized HTML body",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{16}$" } },
          ],
          responses: { "200": jsonResponse("The article", "Article"), "404": problemResponse("No such article") },
        },
      },
      "/categories": {
        get: {
          operationId: "listCategories",
          summary: "Every source with its article count and latest update",
          responses: {
            "200": {
              description: "Categories",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { items: { type: "array", items: { $ref: "#/components/schemas/Category" } } },
                  },
                },
              },
            },
          },
        },
      },
      "/tags": {
        get: {
          operationId: "listTags",
          summary: "Every tag in use with its article count",
          responses: {
            "200": {
              description: "Tags",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { items: { type: "array", items: { $ref: "#/components/schemas/Tag" } } },
                  },
                },
              },
            },
          },
        },
      },
      "/docs": {
        get: {
          operationId: "apiReference",
          summary: "This reference as a readable HTML page",
          responses: { "200": { description: "The reference", content: { "text/html": {} } } },
        },
      },
      "/sources/health": {
        get: {
          operationId: "sourcesHealth",
          summary: "Public health of every source",
          responses: { "200": { description: "Health" } },
        },
      },
      "/sources": {
        get: {
          operationId: "listSources",
          summary: "Admin: every source",
          security: [{ bearer: [] }],
          responses: {
            "200": { description: "Sources" },
            "401": problemResponse("No valid token"),
            "503": problemResponse("ADMIN_TOKEN is not set on the server"),
          },
        },
        post: {
          operationId: "createSource",
          summary: "Admin: add a source",
          description:
            "A feed source's `feed_url` may be a web page's address: the feeds the page advertises (`<link rel=\"alternate\">` of RSS, Atom or JSON Feed), then /feed, /rss.xml, /atom.xml, /index.xml and /feed.xml, are tried in order and the first that parses is stored; `discovery` then says which was chosen and lists the others. `proxy_images: true` serves the source's article images through this site's signed `/img/` proxy (with the article's page as Referer, for papers with hotlink protection); it needs the IMAGE_PROXY_KEY secret, and is off by default.",
          security: [{ bearer: [] }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/SourceCreate" } } },
          },
          responses: {
            "201": {
              description: "Created; `discovery` when the address was a web page",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { feed_url: { type: "string" }, discovery: { $ref: "#/components/schemas/Discovery" } },
                  },
                },
              },
            },
            "400": problemResponse("Invalid body"),
            "401": problemResponse("No valid token"),
            "409": problemResponse("Slug exists"),
            "422": problemResponse("The address is a web page that advertises no feed"),
            "503": problemResponse("ADMIN_TOKEN is not set on the server"),
          },
        },
      },
      "/sources/dry-run": {
        post: {
          operationId: "dryRunSource",
          summary:
            "Admin: what a source's rules extract from the live pages, without saving (body as for createSource, slug optional)",
          security: [{ bearer: [] }],
          responses: {
            "200": {
              description:
                "The feed's `title` and `encoding`, the extracted items (`title_derived`, `enclosures`), `empty` (items with nothing to store, skipped), any pages the rules could not read, and `discovery` when the address was a web page",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      error: { type: ["string", "null"] },
                      title: { type: ["string", "null"], description: "The feed's own title" },
                      encoding: {
                        type: ["object", "null"],
                        description:
                          "The encoding the address was read in and where it was found: `bom`, `content-type`, `xml-declaration`, `meta`, `utf-8-bytes` (UTF-8 bytes over a label saying otherwise), `sniffed` or `default`",
                        properties: { encoding: { type: "string" }, by: { type: "string" } },
                      },
                      empty: { type: "integer" },
                      items: { type: "array", items: { type: "object" } },
                      discovery: { $ref: "#/components/schemas/Discovery" },
                    },
                  },
                },
              },
            },
            "400": problemResponse("Invalid body or rules"),
            "401": problemResponse("No valid token"),
            "422": {
              description:
                "The rules did not work on the live pages, or the address is a web page that advertises no feed; `error` says why",
            },
            "503": problemResponse("ADMIN_TOKEN is not set on the server"),
          },
        },
      },
      "/sources/{slug}": {
        get: {
          operationId: "getSource",
          summary: "Admin: one source",
          security: [{ bearer: [] }],
          parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "The source" }, "404": problemResponse("No such source") },
        },
        patch: {
          operationId: "updateSource",
          summary: "Admin: change a source",
          description:
            "Only the fields given change. `proxy_images` turns the image proxy on or off for the source's articles (pages and feeds; stored content is not changed).",
          security: [{ bearer: [] }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/SourceChange" } } },
          },
          parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "The source" },
            "400": problemResponse("Invalid body"),
            "404": problemResponse("No such source"),
          },
        },
        delete: {
          operationId: "deleteSource",
          summary: "Admin: delete a source and its articles",
          security: [{ bearer: [] }],
          parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
          responses: { "204": { description: "Deleted" }, "404": problemResponse("No such source") },
        },
      },
      "/sources/{slug}/refresh": {
        post: {
          operationId: "refreshSource",
          summary: "Admin: refresh a source now",
          security: [{ bearer: [] }],
          parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "The outcome" }, "404": problemResponse("No such source") },
        },
      },
    },
    components: {
      schemas: {
        Article: schemaOf(ARTICLE),
        ArticleList: schemaOf(ARTICLE_LIST),
        Category: schemaOf(CATEGORY),
        Tag: schemaOf(TAG),
        Problem: schemaOf(PROBLEM),
        Discovery: schemaOf(DISCOVERY),
        SourceCreate: schemaOf(createBody),
        SourceChange: schemaOf(patchBody),
      },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" } },
    },
  };
  return doc;
}

const file = join(import.meta.dirname, "../public/api/v1/openapi.json");
const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error("public/api/v1/openapi.json is stale: run npm run openapi");
    process.exit(1);
  }
  console.log("openapi.json is up to date");
} else {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
