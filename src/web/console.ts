// The operator's console at /admin: forms and links only (no script), behind a signed session.
// Every write goes through the same operations as the bearer API (web/admin.ts).
import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { csrf } from "hono/csrf";
import type { ConsoleSourceState, SourceWithState } from "../core/model";
import { freeSlug, suggestSlug } from "../core/slug";
import { consoleSourcePage, countSourceArticles, newestSourceArticles } from "../db/console";
import { listFetchLog } from "../db/fetch-log";
import { createSourceStatement, deleteSourceStatements, getSourceWithState, listSourcesWithState } from "../db/sources";
import { sql } from "../db/sql";
import { refreshDeps } from "../ingest/cron";
import { previewSource } from "../ingest/dry-run";
import { readOpml } from "../ingest/opml";
import { RuleError } from "../ingest/rules";
import { type NewSourceForm, NewSourcePage, type PreviewView } from "../render/pages/console/new-source";
import { type OpmlResult, OpmlPage } from "../render/pages/console/opml";
import { SignInPage } from "../render/pages/console/sign-in";
import { DeletePage, type FieldError, type SourceForm, SourcePage, sourceForm } from "../render/pages/console/source";
import { SourcesPage, sourcePath } from "../render/pages/console/sources";
import { renderSourcesOpml } from "../render/sources-opml";
import { ApiDocsPage, type OpenApiDocument } from "../render/pages/api-docs";
// Bundled at build time: the page renders without a request to the static assets.
import openapi from "../../public/api/v1/openapi.json";
import {
  ADMIN_TOKEN_NOT_SET,
  checkBody,
  discoverFor,
  newSourceFields,
  primary,
  refreshNow,
  updateSource,
} from "./admin";
import { SIGNIN_MAX_FAILURES, requireSession, signIn, signOut } from "./console-auth";
import type { AppEnv } from "./context";
import { createBody, dryRunBody, patchBody } from "./source-bodies";

const PAGE_SIZE = 50;
const STATES = new Set<ConsoleSourceState>(["all", "failing", "paused", "never"]);

/** A form field as text ("" when absent or a file). */
async function formOf(c: Context<AppEnv>): Promise<(name: string) => string> {
  const body = await c.req.parseBody();
  return (name) => {
    const v = body[name];
    return typeof v === "string" ? v : "";
  };
}

async function sourceOr404(c: Context<AppEnv>): Promise<SourceWithState> {
  const source = await getSourceWithState(primary(c), c.req.param("slug") ?? "");
  if (!source) return c.notFound() as never;
  return source;
}

async function renderSource(
  c: Context<AppEnv>,
  source: SourceWithState,
  extra: { form?: SourceForm; errors?: FieldError[]; notice?: { kind: "ok" | "error"; text: string; detail?: string } },
  status: 200 | 400 = 200,
) {
  const db = primary(c);
  const [log, articles] = await Promise.all([listFetchLog(db, source.id), newestSourceArticles(db, source.id, 10)]);
  return c.html(
    SourcePage({
      config: c.var.config,
      source,
      form: extra.form ?? sourceForm(source),
      errors: extra.errors ?? [],
      notice: extra.notice,
      log,
      articles,
    }),
    status,
  );
}

/** The settings form → the API's PATCH body (numbers and JSON parsed; an empty optional field
 *  keeps no value). A rules text that is not JSON is named as the failing field. */
function patchFromForm(form: SourceForm, kind: SourceWithState["kind"]): { body?: unknown; errors?: FieldError[] } {
  const body: Record<string, unknown> = {
    name: form.name,
    label: form.label,
    feed_url: form.feed_url,
    homepage: form.homepage.trim() === "" ? null : form.homepage.trim(),
    timezone: form.timezone.trim(),
    interval_minutes: Number(form.interval_minutes),
    // A select of "0" and "1"; anything else (a hand-made post) leaves the setting as it is.
    ...(form.proxy_images === "1" || form.proxy_images === "0" ? { proxy_images: form.proxy_images === "1" } : {}),
  };
  if (kind !== "feed") {
    try {
      body.rules = form.rules.trim() === "" ? null : (JSON.parse(form.rules) as unknown);
    } catch (e) {
      return { errors: [{ field: "rules", reason: `不是有效的 JSON：${(e as Error).message}` }] };
    }
  }
  return { body };
}

const originCheck = csrf();

/** Forged cross-site posts are refused before any handler runs: hono's csrf middleware (the
 *  Origin, or Sec-Fetch-Site, must be ours) answers 403 with a short page instead of an error;
 *  the session cookie is SameSite=Strict as well. */
const refuseForgery: MiddlewareHandler<AppEnv> = async (c, next) => {
  try {
    await originCheck(c, async () => {});
  } catch (e) {
    if (e instanceof HTTPException && e.status === 403)
      return c.text("403 跨站请求已拒绝（cross-site request refused）", 403);
    throw e;
  }
  return next();
};

export const console_ = new Hono<AppEnv>()
  // The API's documentation is public, like the document it renders.
  .get("/api/v1/docs", (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.html(ApiDocsPage({ config: c.var.config, doc: openapi as OpenApiDocument }));
  })
  .use("/admin", refuseForgery)
  .use("/admin/*", refuseForgery)
  .use("/admin", async (c, next) => {
    await next();
    c.header("cache-control", "no-store");
  })
  .use("/admin/*", async (c, next) => {
    await next();
    c.header("cache-control", "no-store");
  })
  .get("/admin/sign-in", (c) => c.html(SignInPage({ config: c.var.config })))
  .post("/admin/sign-in", async (c) => {
    const field = await formOf(c);
    const result = await signIn(c, field("token"));
    if (result === "ok") return c.redirect("/admin", 303);
    const error =
      result === "wrong"
        ? "令牌不正确"
        : result === "limited"
          ? `登录失败次数过多（${SIGNIN_MAX_FAILURES} 次），请 15 分钟后再试。`
          : ADMIN_TOKEN_NOT_SET;
    return c.html(
      SignInPage({ config: c.var.config, error }),
      result === "limited" ? 429 : result === "unconfigured" ? 503 : 401,
    );
  })
  .post("/admin/sign-out", (c) => {
    signOut(c);
    return c.redirect("/admin/sign-in", 303);
  })
  .use("/admin", requireSession)
  .use("/admin/*", requireSession)
  .get("/admin", async (c) => {
    const q = (c.req.query("q") ?? "").slice(0, 100);
    const stateParam = c.req.query("state") ?? "all";
    const state = STATES.has(stateParam as ConsoleSourceState) ? (stateParam as ConsoleSourceState) : "all";
    const after = Number.parseInt(c.req.query("after") ?? "0", 10);
    const now = Date.now();
    const page = await consoleSourcePage(c.var.db, {
      after: Number.isSafeInteger(after) && after > 0 ? after : 0,
      limit: PAGE_SIZE,
      q,
      state,
      now,
    });
    const deleted = c.req.query("deleted");
    return c.html(
      SourcesPage({
        config: c.var.config,
        page,
        q,
        state,
        now,
        notice: deleted ? `已删除来源 ${deleted}。` : undefined,
      }),
    );
  })
  .get("/admin/sources.opml", async (c) => {
    const sources = await listSourcesWithState(c.var.db);
    return c.body(renderSourcesOpml(c.var.config.siteTitle, sources), 200, {
      "content-type": "text/x-opml; charset=utf-8",
      "content-disposition": 'attachment; filename="sources.opml"',
    });
  })
  .get("/admin/new", (c) =>
    c.html(NewSourcePage({ config: c.var.config, form: { address: "", name: "", slug: "" }, errors: [] })),
  )
  .post("/admin/new", async (c) => {
    const field = await formOf(c);
    const address = field("address").trim();
    const config = c.var.config;
    let name = field("name").trim();
    const form: NewSourceForm = { address, name, slug: field("slug").trim() };
    const page = (
      extra: { errors?: FieldError[]; preview?: PreviewView; message?: string },
      status: 200 | 400 | 409 | 422,
    ) => c.html(NewSourcePage({ config, form, errors: extra.errors ?? [], ...extra }), status);
    const checked = checkBody(dryRunBody, { name: name || "preview", feed_url: address });
    if (checked.errors) return page({ errors: checked.errors.map((e) => ({ ...e, field: "feed_url" })) }, 400);
    // A site's address is resolved to the feed it advertises (ingest/discover.ts), as the API does.
    const found = await discoverFor(c, "feed", address);
    const feedUrl = found.kind === "page" ? found.chosen : address;
    const homepage = found.kind === "feed" ? null : found.page;
    const preview =
      found.kind === "none"
        ? { error: found.reason, title: null, encoding: null, items: [] }
        : await previewSource(
            refreshDeps(c.env, config),
            newSourceFields({ ...checked.data, feed_url: feedUrl }, config, homepage),
          );
    const view: PreviewView = {
      feedUrl,
      page: found.kind === "page" ? found.page : null,
      others: found.kind === "page" ? found.others : [],
      notFeed: found.kind === "none",
      error: preview.error,
      title: preview.title,
      encoding: preview.encoding,
      items: preview.items.slice(0, 5).map((i) => ({ title: i.title, published: i.published, url: i.url })),
      timezone: config.defaultTimezone,
    };
    if (!name) name = new URL(feedUrl).hostname;
    const slug = form.slug || suggestSlug(name, homepage ?? feedUrl);
    const shownForm = { address, name, slug };
    if (field("action") !== "save" || preview.error) {
      return c.html(NewSourcePage({ config, form: shownForm, errors: [], preview: view }), preview.error ? 422 : 200);
    }
    const body = checkBody(createBody, { slug, name, feed_url: feedUrl, ...(homepage ? { homepage } : {}) });
    if (body.errors) return c.html(NewSourcePage({ config, form: shownForm, errors: body.errors, preview: view }), 400);
    const created = await primary(c).all<{ id: number }>(
      createSourceStatement(body.data.slug, newSourceFields(body.data, config, homepage), Date.now()),
    );
    if (created.length === 0) {
      return c.html(
        NewSourcePage({
          config,
          form: shownForm,
          errors: [],
          preview: view,
          message: `标识“${slug}”已被其他来源使用，请换一个。`,
        }),
        409,
      );
    }
    return c.redirect(sourcePath(slug), 303);
  })
  .get("/admin/opml", (c) => c.html(OpmlPage({ config: c.var.config, text: "" })))
  .post("/admin/opml", async (c) => {
    const body = await c.req.parseBody();
    const file = body.file;
    const pasted = typeof body.text === "string" ? body.text : "";
    const text = file instanceof File && file.size > 0 ? await file.text() : pasted;
    const config = c.var.config;
    let entries: ReturnType<typeof readOpml>;
    try {
      entries = readOpml(text);
    } catch (e) {
      return c.html(
        OpmlPage({
          config,
          text: pasted,
          error: { text: "OPML 文档无效，未做任何改动。", detail: (e as Error).message },
        }),
        400,
      );
    }
    const db = primary(c);
    const existing = await db.all<{ slug: string; feed_url: string | null }>(sql("SELECT slug, feed_url FROM sources"));
    const slugs = new Set(existing.map((s) => s.slug));
    const feeds = new Set(existing.map((s) => s.feed_url));
    const now = Date.now();
    const results: OpmlResult[] = [];
    const writes = [];
    for (const e of entries) {
      if (!e.xmlUrl) {
        results.push({ title: e.title, xmlUrl: null, outcome: "invalid", reason: "没有订阅地址（xmlUrl）" });
        continue;
      }
      if (feeds.has(e.xmlUrl)) {
        const slug = existing.find((s) => s.feed_url === e.xmlUrl)?.slug;
        results.push({ title: e.title, xmlUrl: e.xmlUrl, outcome: "present", slug });
        continue;
      }
      const name = e.title || new URL(e.xmlUrl).hostname;
      const slug = freeSlug(suggestSlug(name, e.xmlUrl), slugs);
      const checked = checkBody(createBody, {
        slug,
        name: name.slice(0, 100),
        feed_url: e.xmlUrl,
        ...(e.htmlUrl ? { homepage: e.htmlUrl } : {}),
      });
      if (checked.errors) {
        const reason = checked.errors.map((x) => `${x.field} ${x.reason}`).join("; ");
        results.push({ title: e.title, xmlUrl: e.xmlUrl, outcome: "invalid", reason });
        continue;
      }
      slugs.add(slug);
      feeds.add(e.xmlUrl);
      writes.push(createSourceStatement(slug, newSourceFields(checked.data, config), now));
      results.push({ title: e.title, xmlUrl: e.xmlUrl, outcome: "added", slug });
    }
    await db.batch(writes);
    return c.html(OpmlPage({ config, text: "", results }));
  })
  .get("/admin/sources/:slug", async (c) => renderSource(c, await sourceOr404(c), {}))
  .post("/admin/sources/:slug", async (c) => {
    const source = await sourceOr404(c);
    const field = await formOf(c);
    const form: SourceForm = {
      name: field("name"),
      label: field("label"),
      feed_url: field("feed_url"),
      homepage: field("homepage"),
      timezone: field("timezone"),
      interval_minutes: field("interval_minutes"),
      rules: field("rules"),
      proxy_images: field("proxy_images"),
    };
    const parsed = patchFromForm(form, source.kind);
    if (parsed.errors) return renderSource(c, source, { form, errors: parsed.errors }, 400);
    const checked = checkBody(patchBody, parsed.body);
    if (checked.errors) return renderSource(c, source, { form, errors: checked.errors }, 400);
    try {
      await updateSource(primary(c), source, checked.data);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      return renderSource(c, source, { form, errors: [{ field: e.field, reason: e.reason }] }, 400);
    }
    const saved = (await getSourceWithState(primary(c), source.slug)) ?? source;
    return renderSource(c, saved, { notice: { kind: "ok", text: "设置已保存。" } });
  })
  .post("/admin/sources/:slug/refresh", async (c) => {
    const outcome = await refreshNow(c, await sourceOr404(c));
    const source = await sourceOr404(c);
    const notice =
      outcome.status === "error"
        ? { kind: "error" as const, text: "抓取失败：", detail: outcome.error }
        : {
            kind: "ok" as const,
            text: `抓取完成：新增 ${outcome.new} 篇，更新 ${outcome.updated} 篇，未变 ${outcome.unchanged} 篇。`,
          };
    return renderSource(c, source, { notice });
  })
  .post("/admin/sources/:slug/pause", async (c) => {
    const source = await sourceOr404(c);
    await updateSource(primary(c), source, { enabled: false });
    return renderSource(c, (await sourceOr404(c)) ?? source, { notice: { kind: "ok", text: "已暂停抓取。" } });
  })
  .post("/admin/sources/:slug/resume", async (c) => {
    const source = await sourceOr404(c);
    await updateSource(primary(c), source, { enabled: true });
    return renderSource(c, await sourceOr404(c), { notice: { kind: "ok", text: "已恢复抓取，将尽快抓取一次。" } });
  })
  .get("/admin/sources/:slug/delete", async (c) => {
    const source = await sourceOr404(c);
    const articles = await countSourceArticles(primary(c), source.id);
    return c.html(DeletePage({ config: c.var.config, source, articles }));
  })
  .post("/admin/sources/:slug/delete", async (c) => {
    const source = await sourceOr404(c);
    await primary(c).batch(deleteSourceStatements(source.slug));
    return c.redirect(`/admin?deleted=${encodeURIComponent(source.slug)}`, 303);
  });
