// The API documentation page and the console's OPML export on their own (render/ is pure). The
// worker tests serve them; these pin what they say.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { readOpml } from "../../src/ingest/opml";
import { ApiDocsPage, type OpenApiDocument } from "../../src/render/pages/api-docs";
import { renderSourcesOpml } from "../../src/render/sources-opml";
import openapi from "../../public/api/v1/openapi.json";

const config = parseConfig({ SITE_TITLE: "测试站", SITE_DESCRIPTION: "本地新闻" }, "https://news.test");
const render = async (node: unknown) => (await (await (node as Promise<{ toString(): string }>)).toString()) as string;

const doc: OpenApiDocument = {
  info: { title: "Edge <News> API", version: "1.2", description: "Read & write" },
  servers: [{ url: "/api/v1" }],
  paths: {
    "/things/{id}": {
      get: {
        operationId: "getThing",
        summary: "One <thing>",
        description: "Long text",
        parameters: [
          { name: "id", in: "path", required: true, description: "The id", schema: { type: "string" } },
          { name: "tags", in: "query", schema: { type: "array", items: { type: "string" } } },
          { name: "mode", in: "query", schema: { enum: ["a", 1] } },
          { name: "when", in: "query", schema: { type: ["string", "null"] } },
          { name: "bare", in: "header" },
        ],
        responses: {
          "200": {
            description: "The thing",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
          },
          "404": { description: "None" },
        },
      },
      delete: {
        summary: "Remove",
        security: [{ bearer: [] }],
        requestBody: {
          content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Thing" } } } },
        },
        responses: {},
      },
      options: { summary: "not a documented method" },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: "object",
        required: ["id"],
        properties: { id: { type: "string" }, parts: { type: "array", items: {} }, meta: {} },
      },
      Word: { type: "string" },
      "Odd Name!": { enum: ["x"] },
    },
  },
};

describe("the API documentation page", () => {
  it("lists every documented operation, linked to its section by operationId or method and path", async () => {
    const html = await render(ApiDocsPage({ config, doc }));
    expect(html).not.toContain("<script");
    expect(html).toContain('<h1>Edge &lt;News&gt; API <span class="slug">v1.2</span></h1>');
    expect(html).toContain('<p lang="en">Read &amp; write</p>');
    expect(html).toContain('<meta name="description" content="Read &amp; write"/>');
    expect(html).toContain('<nav aria-label="接口列表">');
    expect(html).toContain(
      '<a href="#getThing"><code>GET /api/v1/things/{id}</code></a> <span lang="en">One &lt;thing&gt;</span>',
    );
    expect(html).toContain('<a href="#delete-things--id-"><code>DELETE /api/v1/things/{id}</code></a>');
    expect(html).toContain('<section id="getThing"><h2><code>GET /api/v1/things/{id}</code></h2>');
    expect(html).toContain('<section id="delete-things--id-">');
    expect(html).not.toContain("OPTIONS");
    expect(html).toContain('<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>');
    expect(html).toContain('<a href="/admin">管理控制台</a>');
    expect(html).toContain("<title>API 文档 - 测试站</title>");
  });

  it("marks the operations that need the token, and only those", async () => {
    const html = await render(ApiDocsPage({ config, doc }));
    expect(html).toContain('<p lang="en">Remove<strong lang="zh-CN">（需要令牌）</strong></p>');
    expect(html).toContain('<p lang="en">One &lt;thing&gt;</p>');
    expect(html.match(/（需要令牌）/g)).toHaveLength(1);
    expect(html).toContain('<p lang="en">Long text</p>');
  });

  it("a parameters table: name, where, type in one line, required, description", async () => {
    const html = await render(ApiDocsPage({ config, doc }));
    expect(html).toContain("<caption>参数</caption>");
    expect(html).toContain(
      '<tr><td><code>id</code></td><td>path</td><td>string</td><td>是</td><td lang="en">The id</td></tr>',
    );
    expect(html).toContain(
      '<tr><td><code>tags</code></td><td>query</td><td>string[]</td><td>否</td><td lang="en"></td></tr>',
    );
    expect(html).toContain("<td>&quot;a&quot; | 1</td>");
    expect(html).toContain("<td>string | null</td>");
    expect(html).toContain("<tr><td><code>bare</code></td><td>header</td><td>—</td>");
    // The delete has no parameters: one parameters table in all.
    expect(html.match(/<caption>参数<\/caption>/g)).toHaveLength(1);
  });

  it("the request body and the responses with their types", async () => {
    const html = await render(ApiDocsPage({ config, doc }));
    expect(html).toContain("<p>请求体（<code>application/json</code>）：Thing[]</p>");
    expect(html).toContain('<dt><code>200</code></dt><dd lang="en">The thing — application/json: Thing</dd>');
    expect(html).toContain('<dt><code>404</code></dt><dd lang="en">None</dd>');
  });

  it("the data structures: each schema's fields, types and whether always present", async () => {
    const html = await render(ApiDocsPage({ config, doc }));
    expect(html).toContain('<h2>数据结构</h2><section id="schema-Thing"><h3><code>Thing</code></h3>');
    expect(html).toContain("<tr><td><code>id</code></td><td>string</td><td>是</td></tr>");
    expect(html).toContain("<tr><td><code>parts</code></td><td>object[]</td><td>否</td></tr>");
    expect(html).toContain("<tr><td><code>meta</code></td><td>object</td><td>否</td></tr>");
    expect(html).toContain('<th scope="col">字段</th><th scope="col">类型</th><th scope="col">必有</th>');
    expect(html).toContain('<section id="schema-Word"><h3><code>Word</code></h3><p>string</p></section>');
    expect(html).toContain(
      '<section id="schema-Odd-Name-"><h3><code>Odd Name!</code></h3><p>&quot;x&quot;</p></section>',
    );
  });

  it("is a page of the site: its canonical address, the site's navigation without sources", async () => {
    const html = await render(ApiDocsPage({ config, doc }));
    expect(html).toContain('<link rel="canonical" href="https://news.test/api/v1/docs"/>');
    expect(html).toContain('<ul class="sources"></ul>');
    expect(html).toContain("的接口须带 <code>Authorization: Bearer ADMIN_TOKEN</code>");
    expect(html).toContain(
      '<thead><tr><th scope="col">名称</th><th scope="col">位置</th><th scope="col">类型</th><th scope="col">必填</th><th scope="col">说明</th></tr></thead>',
    );
  });

  it("a schema whose fields are all optional, and an empty server list", async () => {
    const html = await render(
      ApiDocsPage({
        config,
        doc: {
          info: { title: "T", version: "0" },
          servers: [],
          paths: { "/x": { get: { summary: "S" } } },
          components: { schemas: { Loose: { type: "object", properties: { a: { type: "integer" } } } } },
        },
      }),
    );
    expect(html).toContain("<code>GET /x</code>");
    expect(html).toContain("<tr><td><code>a</code></td><td>integer</td><td>否</td></tr>");
  });

  it("a document without servers, description or schemas still renders", async () => {
    const bare: OpenApiDocument = { info: { title: "T", version: "0" }, paths: { "/x": { get: { summary: "S" } } } };
    const html = await render(ApiDocsPage({ config, doc: bare }));
    expect(html).toContain('<a href="#get-x"><code>GET /x</code></a>');
    expect(html).toContain('<meta name="description" content="T"/>');
    expect(html).not.toContain('<p lang="en">undefined');
    expect(html).toContain("<h2>数据结构</h2></article>");
  });

  it("the site's own document: every operation of public/api/v1/openapi.json appears", async () => {
    const html = await render(ApiDocsPage({ config, doc: openapi as OpenApiDocument }));
    for (const [path, item] of Object.entries(openapi.paths)) {
      for (const method of Object.keys(item)) {
        expect(html, `${method} ${path}`).toContain(`<code>${method.toUpperCase()} /api/v1${path}</code>`);
      }
    }
  });
});

describe("the OPML export", () => {
  const sources = [
    { name: `桂林 <晚报> & "日报" 's`, feedUrl: "https://a.example/rss?x=1&y=2", homepage: "https://a.example/" },
    { name: "无地址", feedUrl: null, homepage: "https://b.example/" },
    { name: "Guilin Daily", feedUrl: "https://c.example/feed", homepage: null },
  ];

  it("escapes names and addresses, leaves out sources without an address, and names the site", () => {
    const xml = renderSourcesOpml("测试站 & <友>", sources);
    expect(xml).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>测试站 &amp; &lt;友&gt;</title></head>
  <body>
    <outline type="rss" text="桂林 &lt;晚报&gt; &amp; &quot;日报&quot; &apos;s" title="桂林 &lt;晚报&gt; &amp; &quot;日报&quot; &apos;s" xmlUrl="https://a.example/rss?x=1&amp;y=2" htmlUrl="https://a.example/"/>
    <outline type="rss" text="Guilin Daily" title="Guilin Daily" xmlUrl="https://c.example/feed"/>
  </body>
</opml>
`,
    );
  });

  it("the import takes up to 1,000 outlines, folders walked, and refuses a longer list whole", () => {
    const doc = (n: number) =>
      `<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="夹">${Array.from(
        { length: n },
        (_, i) => `<outline text="报${i}" xmlUrl="https://u.example/${i}.xml"/>`,
      ).join("")}</outline></body></opml>`;
    const entries = readOpml(doc(1000));
    expect(entries).toHaveLength(1000);
    expect(entries[999]).toEqual({ title: "报999", xmlUrl: "https://u.example/999.xml", htmlUrl: null });
    expect(() => readOpml(doc(1001))).toThrow("more than 1000 outlines");
  });

  it("reads back through the import as the same feeds", () => {
    expect(readOpml(renderSourcesOpml("站", sources))).toEqual([
      { title: `桂林 <晚报> & "日报" 's`, xmlUrl: "https://a.example/rss?x=1&y=2", htmlUrl: "https://a.example/" },
      { title: "Guilin Daily", xmlUrl: "https://c.example/feed", htmlUrl: null },
    ]);
    // An export with no feeds is a valid document the import refuses as empty.
    expect(() => readOpml(renderSourcesOpml("站", []))).toThrow("the document lists no outlines");
  });
});
