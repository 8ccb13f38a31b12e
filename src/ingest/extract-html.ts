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

const quoteAttr = (v: string) => v.replace(/"/g, "&quot;");

/** End-tag callbacks, several per element. HTMLRewriter keeps one end-tag handler per element
 *  (a second onEndTag replaces the first), so two picks capturing the same element (a date and
 *  an author both read from <p class="info">) would leave all but the last without a value.
 *  A "*" handler registered before every pick marks each new element; the picks' callbacks for
 *  it join one list, run by the single handler registered on the element. */
class EndTags {
  private fns: (() => void)[] = [];
  private hasEnd: boolean | null = null;

  /** The "*" handler: a new element starts. */
  next(): void {
    this.fns = [];
    this.hasEnd = null;
  }

  /** Run `fn` when the current element's end tag comes; false when it has none (void elements
   *  such as <img> or <param>, self-closing SVG children): HTMLRewriter throws for those. */
  add(e: Element, fn: () => void): boolean {
    this.fns.push(fn);
    if (this.hasEnd === null) {
      const fns = this.fns;
      try {
        e.onEndTag(() => {
          for (const f of fns) f();
        });
        this.hasEnd = true;
      } catch {
        this.hasEnd = false;
      }
    }
    return this.hasEnd;
  }
}

/** "a, b" → "a *, b *": descendants of every alternative of a selector list. */
function descendantsOf(selector: string): string {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => `${p.trim()} *`).join(", ");
}

/** Run every want over the document; each name gets its values in document order. */
export async function extractFromHtml(html: string, wants: Record<string, Want>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const ends = new EndTags();
  let rewriter = new HTMLRewriter().on("*", { element: () => ends.next() });
  for (const [name, want] of Object.entries(wants)) {
    const values: string[] = (out[name] = []);
    const { selector, attr } = want.pick;
    if (attr) {
      rewriter = rewriter.on(selector, {
        element(e) {
          if (!want.all && values.length > 0) return;
          const v = e.getAttribute(attr);
          if (v?.trim()) values.push(v.trim());
        },
      });
      continue;
    }
    // Text or inner HTML of a match: capture from its start tag to its end tag. Text handlers on
    // the selector see every descendant's text, in order (entities still encoded).
    let capturing = false;
    let parts: string[] = [];
    const done = () => !want.all && values.length > 0;
    rewriter = rewriter.on(selector, {
      element(e) {
        if (capturing || done()) return;
        parts = [];
        capturing = ends.add(e, () => {
          capturing = false;
          values.push(parts.join(""));
        });
      },
      text(t) {
        if (capturing) parts.push(t.text);
      },
    });
    if (want.html) {
      rewriter = rewriter.on(descendantsOf(selector), {
        element(e) {
          if (!capturing) return;
          const name = e.tagName;
          let tag = `<${name}`;
          for (const [k, v] of e.attributes) tag += ` ${k}="${quoteAttr(v ?? "")}"`;
          parts.push(`${tag}>`);
          // Close with the element's own name: an end tag implied by its parent's (<p>one<p>two
          // </div>) reports the parent's name.
          ends.add(e, () => void parts.push(`</${name}>`));
        },
      });
    }
  }
  await rewriter
    .transform(new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }))
    .arrayBuffer();
  return out;
}
