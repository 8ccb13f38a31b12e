// /status: the health of every source, for people (the same data as /api/v1/sources/health).
import { type Config, archiveProblem } from "../../config";
import type { ArchiveState } from "../../core/model";
import type { SiteNav, SourceWithState } from "../../core/model";
import { IMAGE_PROXY_KEY_NOT_SET } from "../../core/image-proxy";
import { redactText } from "../../core/redact";
import { formatDisplay, instantIn } from "../../core/time";
import { categoryPath } from "../../core/urls";
import { Layout } from "./layout";
import { errorMeaning } from "./console/fetch-error";

const when = (ms: number | null, tz: string) => (ms && ms > 0 ? formatDisplay(instantIn(tz, ms)) : "—");
const RESULT: Record<string, string> = { "200": "成功（有内容）", "304": "成功（未变化）", error: "失败" };

export function StatusPage({
  config,
  nav,
  sources,
  now,
  adminTokenSet,
  archive = null,
}: {
  config: Config;
  nav: SiteNav;
  sources: readonly SourceWithState[];
  now: number;
  /** False when the ADMIN_TOKEN secret is missing: the admin API is off, and the operator is told here. */
  adminTokenSet: boolean;
  /** The archive step's last tick (docs/archive.md); null before its first. */
  archive?: ArchiveState | null;
}) {
  const archiveError = archiveProblem(config);
  return (
    <Layout
      config={config}
      nav={nav}
      meta={{ title: "来源状态", description: "各新闻来源的抓取状态", path: "/status", noindex: true }}
    >
      <h1>来源状态</h1>
      <p class="intro">每个新闻来源最近一次抓取的结果与下次抓取时间。</p>
      {adminTokenSet ? null : (
        <p class="error">
          管理接口未启用：未设置 ADMIN_TOKEN 密钥（ADMIN_TOKEN is not set）。请运行 wrangler secret put ADMIN_TOKEN。
        </p>
      )}
      {archiveError ? <p class="error">{archiveError}</p> : null}
      {config.archive.afterDays > 0 && !archiveError ? (
        <p class="intro">
          归档：发布超过 {config.archive.afterDays} 天的文章正文移至 R2，每次定时任务至多 {config.archive.maxPerTick}{" "}
          篇。
          {archive
            ? `上次运行 ${when(archive.lastRunAt, config.defaultTimezone)}，归档 ${archive.lastArchived} 篇。`
            : "尚未运行。"}
          {archive?.lastError ? <span class="error">失败：{redactText(archive.lastError)}</span> : null}
        </p>
      ) : null}
      {config.imageProxy === null && sources.some((s) => s.proxyImages) ? (
        <p class="error">{IMAGE_PROXY_KEY_NOT_SET}</p>
      ) : null}
      <div class="table-wrap">
        <table class="status">
          <thead>
            <tr>
              <th scope="col">来源</th>
              <th scope="col">上次抓取</th>
              <th scope="col">结果</th>
              <th scope="col">连续失败</th>
              <th scope="col">下次抓取</th>
              <th scope="col">状态</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => {
              const paused = s.state.pausedAt !== null;
              const scheduled = s.enabled && !paused && s.feedUrl;
              return (
                <tr>
                  <th scope="row">
                    <a href={categoryPath(s.slug)}>{s.name}</a>
                  </th>
                  <td>{when(s.state.lastFetchAt, s.timezone)}</td>
                  <td>
                    {s.state.lastStatus ? RESULT[s.state.lastStatus] : "尚未抓取"}
                    {s.state.lastError ? (
                      <span class="error">
                        ：{errorMeaning(s.state.lastError)}
                        <code class="detail">{redactText(s.state.lastError)}</code>
                      </span>
                    ) : null}
                    {s.state.decodeWarning ? <span class="error">（编码警告：{s.state.decodeWarning}）</span> : null}
                  </td>
                  <td>{s.state.errorCount}</td>
                  <td>{scheduled ? when(Math.max(s.state.nextFetchAt, now), s.timezone) : "—"}</td>
                  <td>
                    {!s.feedUrl ? "无订阅源" : !s.enabled ? "已停用" : paused ? "已暂停（连续失败过多）" : "正常"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
