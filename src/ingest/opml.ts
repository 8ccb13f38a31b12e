// An uploaded OPML document → the feeds it lists (flattened), checked before anything is stored.
import { parseOpml } from "feedsmith";

/** The most outlines one import takes. */
export const OPML_MAX_OUTLINES = 1000;

export interface OpmlEntry {
  readonly title: string;
  readonly xmlUrl: string | null;
  readonly htmlUrl: string | null;
}

interface Outline {
  text?: string;
  title?: string;
  xmlUrl?: string;
  htmlUrl?: string;
  outlines?: Outline[];
}

/** Every outline that names a feed (folders are walked, not listed); an invalid document or one
 *  with more than OPML_MAX_OUTLINES feeds → an Error saying so, and nothing is listed. */
export function readOpml(text: string): OpmlEntry[] {
  let doc: { body?: { outlines?: Outline[] } };
  try {
    doc = parseOpml(text) as typeof doc;
  } catch (e) {
    throw new Error(`not an OPML document: ${e instanceof Error ? e.message : String(e)}`);
  }
  const entries: OpmlEntry[] = [];
  const walk = (outlines: readonly Outline[] | undefined, depth: number) => {
    for (const o of outlines ?? []) {
      if (depth > 10) throw new Error("outlines nested more than 10 deep");
      if (o.xmlUrl !== undefined || !o.outlines?.length) {
        entries.push({
          title: (o.title ?? o.text ?? "").trim(),
          xmlUrl: o.xmlUrl?.trim() || null,
          htmlUrl: o.htmlUrl?.trim() || null,
        });
        if (entries.length > OPML_MAX_OUTLINES) throw new Error(`more than ${OPML_MAX_OUTLINES} outlines`);
      }
      walk(o.outlines, depth + 1);
    }
  };
  walk(doc.body?.outlines, 0);
  if (entries.length === 0) throw new Error("the document lists no outlines");
  return entries;
}
