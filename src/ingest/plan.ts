// The raw-hash planner: which gathered items changed since they were stored, normalized, and the
// writes that store them (one read of stored hashes, by identity).
import type { SourceWithState } from "../core/model";
import { articleId } from "../core/ids";
import { planUpsert, readKnownArticles } from "../db/article-writes";
import { itemIdentity } from "./normalize";
import type { ParsedItem } from "./parse";
import { type Gathered, type RefreshDeps, normalizeAll } from "./gather";
import { hashItem } from "./pipeline-hash";
import { assignStories } from "./stories";

/** Normalize the items that changed and plan the writes. An item whose raw hash (hashItem) is the
 *  one stored with its article is left out: normalizing it would give what is stored. One read
 *  of stored hashes, by the identities normalizeItem will give (itemIdentity); a second only for
 *  items whose identity needs their body (no guid, link or title). */
export async function planItems(
  deps: RefreshDeps,
  source: SourceWithState,
  g: Extract<Gathered, { kind: "items" }>,
  now: number,
) {
  const key = (guid: string) => `${source.slug}\n${guid}`;
  let items = g.items;
  const rawHashes = new Map<ParsedItem, string>();
  let known = { content: new Map<string, string>(), raw: new Map<string, string | null>() };
  const asked = new Set<string>();
  let skipped = 0;
  if (g.skipUnchanged) {
    const ctx = {
      base: g.base,
      xmlBase: g.xmlBase,
      label: source.label,
      name: source.name,
      timezone: source.timezone,
    };
    const identities = new Map<ParsedItem, string>();
    const last = new Map<string, ParsedItem>(); // the later of duplicates is the one stored
    for (const item of g.items) {
      const id = await itemIdentity(item, g.base);
      rawHashes.set(item, await hashItem(item, ctx));
      if (id === null) continue;
      identities.set(item, id);
      last.set(id, item);
    }
    for (const id of last.keys()) asked.add(id);
    if (asked.size > 0) known = await readKnownArticles(deps.db, new Map([[source.slug, [...asked]]]));
    const same = new Set<string>();
    for (const [id, item] of last) {
      const stored = known.raw.get(key(id));
      if (stored && stored === rawHashes.get(item)) same.add(id);
    }
    if (same.size > 0) {
      skipped = same.size;
      items = g.items.filter((item) => {
        const id = identities.get(item);
        return id === undefined || !same.has(id);
      });
    }
  }
  const { inputs, empty } = await normalizeAll(source, g, now, items, rawHashes);
  const rest = inputs.map((a) => a.guid).filter((guid) => !asked.has(guid));
  if (rest.length > 0) {
    const more = await readKnownArticles(deps.db, new Map([[source.slug, rest]]));
    for (const [k, v] of more.content) known.content.set(k, v);
    for (const [k, v] of more.raw) known.raw.set(k, v);
  }
  // New articles only: an article's story is decided once, when it is first stored.
  const fresh = inputs.filter((a) => !known.content.has(key(a.guid)));
  // Each new article's id once, for the story step and the writes.
  const ids = new Map<string, string>();
  for (const a of fresh) ids.set(a.guid, await articleId(source.slug, a.guid));
  const stories = await assignStories(deps.db, source.slug, fresh, deps.storyWindowMs, ids);
  const plan = await planUpsert(known.content, source, inputs, now, known.raw, stories, ids);
  return {
    new: plan.inserted,
    updated: plan.updated,
    unchanged: plan.unchanged + skipped,
    empty,
    statements: plan.statements,
  };
}
