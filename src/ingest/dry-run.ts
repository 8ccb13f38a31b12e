// The admin dry run: what a source not yet saved would yield, read and normalized as a refresh
// would, with nothing written.
import { NEVER_FETCHED, type SourceWithState } from "../core/model";
import type { SourceFields } from "../db/sources";
import { toRfc3339 } from "../core/time";
import { type RefreshDeps, gather, normalizeAll } from "./gather";

/** A dry run of a source not yet saved: what its rules extract from the live pages, as the
 *  refresh would store it (first visit: no validators, nothing known). Writes nothing. */
export async function previewSource(deps: RefreshDeps, fields: SourceFields & { slug?: string }) {
  const now = deps.now();
  const source: SourceWithState = {
    id: -1,
    slug: fields.slug ?? "preview",
    name: fields.name,
    label: fields.label,
    homepage: fields.homepage,
    feedUrl: fields.feedUrl,
    timezone: fields.timezone,
    enabled: true,
    intervalMinutes: fields.intervalMinutes,
    kind: fields.kind,
    rules: fields.rules,
    proxyImages: fields.proxyImages,
    generation: 0,
    state: NEVER_FETCHED,
  };
  try {
    const g = await gather(deps, source);
    const { inputs, empty } = g.kind === "items" ? await normalizeAll(source, g, now) : { inputs: [], empty: 0 };
    return {
      error: null,
      /** The feed's own title (null for web pages and JSON, or a feed without one). */
      title: g.kind === "items" ? (g.title ?? null) : null,
      /** The encoding the address was read in, and where it was found (header, BOM, XML
       *  declaration, <meta>, or the bytes themselves). */
      encoding: g.kind === "items" ? (g.encoding ?? null) : null,
      problems: g.kind === "items" ? g.problems : [],
      empty,
      items: inputs.map((a) => ({
        guid: a.guid,
        url: a.originalUrl,
        title: a.title,
        title_derived: a.titleDerived === true,
        enclosures: a.enclosures ?? [],
        published: a.undated ? null : toRfc3339(a.published),
        author: a.author,
        image: a.image,
        summary: a.summary,
        content_chars: a.contentHtml.length,
        tags: a.tags,
      })),
    };
  } catch (e) {
    return {
      error: e instanceof Error ? e.message : String(e),
      title: null,
      encoding: null,
      problems: [],
      empty: 0,
      items: [],
    };
  }
}
