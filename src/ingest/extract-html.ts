// Web pages → the values rules point at, in one streaming pass of HTMLRewriter (native to
// Workers): for each named pick, the text, an attribute, or the inner HTML of matching elements.
// What comes out is still untrusted upstream markup; normalize.ts sanitizes it like any feed's.
import type { Pick } from "./rules";

export interface Want {
  readonly pick: Pick;
  /** Inner HTML of the first match, instead of its text. */
  readonly html?: boolean;
  /** Every match (e.g. the links of a list page), instead of the first. */
  readonly all?: boolean;
}

// Elements with no end tag: HTMLRewriter has no end-tag event for them.
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const quoteAttr = (v: string) => v.replace(/"/g, "&quot;");

/** Run every want over the document; each name gets its values in document order. */
export async function extractFromHtml(html: string, wants: Record<string, Want>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  let rewriter = new HTMLRewriter();
  for (const [name, want] of Object.entries(wants)) {
    const values: string[] = (out[name] = []);
    const { selector, attr } = want.pick;
    if (attr) {
      rewriter = rewriter.on(selector, {
        element(e) {
          if (!want.all && values.length > 0) return;
          const v = e.getAttribute(attr);
          if (v !== null && v.trim()) values.push(v.trim());
        },
      });
      continue;
    }
    // Text or inner HTML of a match: capture from its start tag to its end tag. Text handlers on
    // the selector see every descendant's text, in order (entities still encoded).
    let capturing = false;
    let parts: string[] = [];
    const done = () => !want.all && values.length > 0;
    rewriter = rewriter
      .on(selector, {
        element(e) {
          if (capturing || done()) return;
          capturing = true;
          parts = [];
          if (VOID.has(e.tagName)) {
            capturing = false;
            return;
          }
          e.onEndTag(() => {
            capturing = false;
            values.push(parts.join(""));
          });
        },
        text(t) {
          if (capturing) parts.push(t.text);
        },
      });
    if (want.html) {
      rewriter = rewriter.on(`${selector} *`, {
        element(e) {
          if (!capturing) return;
          let tag = `<${e.tagName}`;
          for (const [k, v] of e.attributes) tag += ` ${k}="${quoteAttr(v ?? "")}"`;
          parts.push(`${tag}>`);
          if (!VOID.has(e.tagName)) e.onEndTag((end) => void parts.push(`</${end.name}>`));
        },
      });
    }
  }
  await rewriter.transform(new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } })).arrayBuffer();
  return out;
}

/** The charset a page declares in a <meta> near its start, if any (HTML's prescan, simplified). */
export function metaCharset(bytes: Uint8Array): string | null {
  const head = String.fromCharCode(...bytes.subarray(0, 1024));
  return /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)/i.exec(head)?.[1] ?? null;
}
