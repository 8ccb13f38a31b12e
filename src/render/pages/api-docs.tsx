// /api/v1/docs: the OpenAPI document as a readable page (server-rendered, no script).
import type { Config } from "../../config";
import { DataTable } from "./data-table";
import { Layout } from "./layout";

interface Schema {
  type?: string | string[];
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  enum?: unknown[];
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/** A schema in one line: "string", "Article[]", "string | null". */
function typeOf(s: Schema | undefined): string {
  if (!s) return "—";
  if (s.$ref) return s.$ref.replace("#/components/schemas/", "");
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "object");
  return t === "array" ? `${typeOf(s.items)}[]` : t;
}

const anchor = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, "-");

export function ApiDocsPage({ config, doc }: { config: Config; doc: OpenApiDocument }) {
  const base = doc.servers?.[0]?.url ?? "";
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]! })),
  );
  return Layout({
    config,
    nav: { sources: [], more: false },
    meta: { title: "API 文档", description: doc.info.description ?? doc.info.title, path: "/api/v1/docs" },
    children: (
      <article class="api-docs">
        <h1>
          {doc.info.title} <span class="slug">v{doc.info.version}</span>
        </h1>
        {doc.info.description ? <p lang="en">{doc.info.description}</p> : null}
        <p>
          机器可读的 OpenAPI 3.1 文档：<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>。标有“需要令牌”的接口须带{" "}
          <code>Authorization: Bearer ADMIN_TOKEN</code>；也可以在<a href="/admin">管理控制台</a>中操作。
        </p>
        <nav aria-label="接口列表">
          <ul>
            {ops.map(({ path, method, op }) => (
              <li>
                <a href={`#${anchor(op.operationId ?? `${method}${path}`)}`}>
                  <code>
                    {method.toUpperCase()} {base}
                    {path}
                  </code>
                </a>{" "}
                <span lang="en">{op.summary}</span>
              </li>
            ))}
          </ul>
        </nav>
        {ops.map(({ path, method, op }) => (
          <section id={anchor(op.operationId ?? `${method}${path}`)}>
            <h2>
              <code>
                {method.toUpperCase()} {base}
                {path}
              </code>
            </h2>
            <p lang="en">
              {op.summary}
              {op.security?.length ? <strong lang="zh-CN">（需要令牌）</strong> : null}
            </p>
            {op.description ? <p lang="en">{op.description}</p> : null}
            {op.parameters?.length ? (
              <DataTable caption="参数" columns={["名称", "位置", "类型", "必填", "说明"]}>
                {op.parameters.map((p) => (
                  <tr>
                    <td>
                      <code>{p.name}</code>
                    </td>
                    <td>{p.in}</td>
                    <td>{typeOf(p.schema)}</td>
                    <td>{p.required ? "是" : "否"}</td>
                    <td lang="en">{p.description ?? ""}</td>
                  </tr>
                ))}
              </DataTable>
            ) : null}
            {op.requestBody?.content
              ? Object.entries(op.requestBody.content).map(([type, c]) => (
                  <p>
                    请求体（<code>{type}</code>）：{typeOf(c.schema)}
                  </p>
                ))
              : null}
            <dl>
              {Object.entries(op.responses ?? {}).map(([status, r]) => (
                <>
                  <dt>
                    <code>{status}</code>
                  </dt>
                  <dd lang="en">
                    {r.description}
                    {r.content ? Object.entries(r.content).map(([type, c]) => ` — ${type}: ${typeOf(c.schema)}`) : null}
                  </dd>
                </>
              ))}
            </dl>
          </section>
        ))}
        <h2>数据结构</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => (
          <section id={`schema-${anchor(name)}`}>
            <h3>
              <code>{name}</code>
            </h3>
            {s.properties ? (
              <DataTable columns={["字段", "类型", "必有"]}>
                {Object.entries(s.properties).map(([prop, ps]) => (
                  <tr>
                    <td>
                      <code>{prop}</code>
                    </td>
                    <td>{typeOf(ps)}</td>
                    <td>{s.required?.includes(prop) ? "是" : "否"}</td>
                  </tr>
                ))}
              </DataTable>
            ) : (
              <p>{typeOf(s)}</p>
            )}
          </section>
        ))}
      </article>
    ),
  });
}
