// Archived article bodies in R2 (docs/archive.md): one object per article, keyed by its id under
// a format version, holding the sanitized body exactly as D1 held it. Readers put the bodies back
// into the articles they read, a bounded number of gets at a time.
import { forEachLimited } from "../core/concurrency";
import { AppError } from "../core/errors";
import type { Article } from "../core/model";

/** What of an R2 bucket the archive uses (a test can wrap it to fail). */
export type ArchiveBucket = Pick<R2Bucket, "get" | "put">;

/** The object layout's version: in the key, so a new layout is written beside the old one and an
 *  old reader never misreads a new object. */
export const ARCHIVE_FORMAT = 1;

/** R2 gets in flight at once for one request: a feed of 50 items with archived ones costs
 *  ⌈archived / 6⌉ round trips, and six stays within a Worker's simultaneous-connection limit. */
export const READ_CONCURRENCY = 6;

export const bodyKey = (articleId: string): string => `bodies/v${ARCHIVE_FORMAT}/${articleId}`;

/** The ARCHIVE binding, when this deployment has one. */
export function archiveBucket(env: Env): ArchiveBucket | null {
  return (env as unknown as { ARCHIVE?: R2Bucket }).ARCHIVE ?? null;
}

/** Write one body. `version` is the row's content hash: a reader checks it, so an object that is
 *  not the row's current body is never served. */
export async function putBody(bucket: ArchiveBucket, articleId: string, html: string, version: string): Promise<void> {
  await bucket.put(bodyKey(articleId), html, {
    httpMetadata: { contentType: "text/html; charset=utf-8" },
    customMetadata: { format: String(ARCHIVE_FORMAT), version },
  });
}

/** Read one body back; throws when it is missing or belongs to another version of the article. */
export async function getBody(bucket: ArchiveBucket, articleId: string, version: string): Promise<string> {
  const object = await bucket.get(bodyKey(articleId));
  if (!object) throw new Error(`archived body ${bodyKey(articleId)} is missing`);
  if (object.customMetadata?.version !== version) {
    throw new Error(`archived body ${bodyKey(articleId)} is version ${object.customMetadata?.version}, not ${version}`);
  }
  return object.text();
}

/** The body could not be read: a 503 (never cached), so no page or feed is stored without it. */
export class ArchiveUnavailableError extends AppError {
  constructor(detail: string) {
    super("archive_unavailable", 503, `文章正文已归档，暂时无法读取，请稍后再试。（${detail}）`);
  }
}

/** `items` with every archived body read back from R2 (READ_CONCURRENCY at a time); the others
 *  untouched, and no R2 request when none is archived. */
export async function withBodies<T extends Article>(bucket: ArchiveBucket | null, items: readonly T[]): Promise<T[]> {
  const archived = items.filter((a) => a.archived);
  if (archived.length === 0) return [...items];
  if (!bucket) throw new ArchiveUnavailableError("未绑定 R2 存储桶 ARCHIVE");
  const bodies = new Map<string, string>();
  try {
    await forEachLimited(archived, READ_CONCURRENCY, async (a) => {
      bodies.set(a.id, await getBody(bucket, a.id, a.version));
    });
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "archived body unreadable", error: String(e) }));
    throw new ArchiveUnavailableError("读取 R2 失败");
  }
  return items.map((a) => (a.archived ? { ...a, contentHtml: bodies.get(a.id)! } : a));
}

/** One article with its body (see withBodies). */
export async function withBody<T extends Article>(bucket: ArchiveBucket | null, article: T): Promise<T> {
  return (await withBodies(bucket, [article]))[0]!;
}
