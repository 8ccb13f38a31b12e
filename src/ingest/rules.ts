// How a source without a (full) feed is read, as data: CSS selectors for web pages, a field
// mapping for JSON APIs, a body selector for summary-only feeds. Parsed and checked here (pure,
// apart from asking HTMLRewriter whether it accepts a selector).
import { AppError } from "../core/errors";
import { normalizeHostname, parseHostEntry } from "../core/outbound";

export type SourceKind = "feed" | "html" | "json";

/** A selector, optionally with "@attr" to read an attribute instead of the text:
 *  `"time@datetime"`, `"meta[property='og:image']@content"`, `"h1"`. */
export interface Pick {
  readonly selector: string;
  readonly attr: string | null;
}

export interface HtmlRules {
  readonly list: {
    /** Links to article pages on a list page (`@href` implied). */
    readonly links: Pick;
    /** The link to the next list page, if the list is paginated. */
    readonly next: Pick | null;
    /** List pages read per refresh at most (1–10). */
    readonly maxPages: number;
  };
  readonly article: {
    readonly title: Pick;
    readonly date: Pick | null;
    /** Inner HTML of the first match is the article body. */
    readonly body: Pick;
    readonly author: Pick | null;
    readonly image: Pick | null;
  };
  /** When the page writes a bare local time in an unusual shape: tokens YYYY MM DD HH mm ss,
   *  e.g. "YYYY年MM月DD日 HH:mm". The zone is the source's timezone. */
  readonly dateFormat: string | null;
  /** Hosts besides the list page's own that links may lead to (normalised hostnames). */
  readonly hosts: readonly string[];
}

export interface JsonRules {
  /** Dot path to the array of items ("" = the document itself), e.g. "data.list". */
  readonly items: string;
  readonly id: string | null;
  readonly title: string;
  readonly date: string | null;
  readonly body: string | null;
  readonly summary: string | null;
  readonly link: string | null;
  readonly author: string | null;
  readonly image: string | null;
}

export interface FullTextRules {
  /** Where the article body is on an item's own page. */
  readonly body: Pick;
  /** Hosts besides the feed's own that item pages may be read from (normalised hostnames). */
  readonly hosts: readonly string[];
}

export type SourceRules =
  | { readonly kind: "feed"; readonly fullText: FullTextRules | null }
  | { readonly kind: "html"; readonly html: HtmlRules }
  | { readonly kind: "json"; readonly json: JsonRules };

/** A rule the admin API rejects (400): which field, and why. */
export class RuleError extends AppError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super("bad_rules", 400, `${field} ${reason}`);
  }
}

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether HTMLRewriter (the streaming parser the refresh uses) accepts the selector. */
function checkSelector(field: string, selector: string): void {
  if (typeof HTMLRewriter === "undefined") return; // outside workerd (Node unit tests)
  try {
    new HTMLRewriter().on(selector, {});
  } catch (e) {
    throw new RuleError(
      field,
      `is not a selector HTMLRewriter supports: ${(e as Error).message.replace(/^Parser error: /, "")}`,
    );
  }
}

function pick(raw: Raw, key: string, field: string, required: true): Pick;
function pick(raw: Raw, key: string, field: string, required: false): Pick | null;
function pick(raw: Raw, key: string, field: string, required: boolean): Pick | null {
  const v = raw[key];
  if (v === undefined || v === null) {
    if (required) throw new RuleError(field, "is required");
    return null;
  }
  if (typeof v !== "string" || !v.trim() || v.length > 300)
    throw new RuleError(field, "must be a CSS selector (1–300 characters), optionally ending in @attribute");
  const m = /^(.*?)(?:@([a-zA-Z_:][-a-zA-Z0-9_:.]*))?$/.exec(v.trim())!;
  const selector = m[1]!.trim();
  if (!selector) throw new RuleError(field, "needs a selector before @");
  checkSelector(field, selector);
  return { selector, attr: m[2]?.toLowerCase() ?? null };
}

function allowOnly(raw: Raw, keys: readonly string[], prefix: string): void {
  for (const k of Object.keys(raw)) if (!keys.includes(k)) throw new RuleError(`${prefix}${k}`, "is not a known rule");
}

function dotPath(raw: Raw, key: string, field: string, required: boolean): string | null {
  const v = raw[key];
  if (v === undefined || v === null) {
    if (required) throw new RuleError(field, "is required");
    return null;
  }
  if (typeof v !== "string" || v.length > 200 || !/^$|^[^.\s]+(\.[^.\s]+)*$/.test(v)) {
    throw new RuleError(field, 'must be a dot path such as "data.list" or "title"');
  }
  return v;
}

/** `hosts`: the other hosts a source's links may lead to (a paper whose articles live on a
 *  sister domain). Links elsewhere are not followed. */
function hostList(raw: Raw, field: string): string[] {
  const v = raw.hosts;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 20 || !v.every((h) => typeof h === "string" && h.length <= 253))
    throw new RuleError(field, "must be a list of at most 20 host names");
  return v.map((h: string) => {
    const url = parseHostEntry(h);
    if (!url || url.port) throw new RuleError(field, `has "${h}": not a host name`);
    return normalizeHostname(url.hostname);
  });
}

/** `kind` + the `rules` JSON of a source → checked rules (RuleError names the bad field). */
export function parseRules(kind: SourceKind, raw: unknown): SourceRules {
  if (raw !== undefined && raw !== null && !isObj(raw)) throw new RuleError("rules", "must be an object");
  const r = (raw ?? {}) as Raw;
  if (kind === "feed") {
    allowOnly(r, ["full_text"], "rules.");
    if (r.full_text === undefined || r.full_text === null) return { kind, fullText: null };
    if (!isObj(r.full_text)) throw new RuleError("rules.full_text", "must be an object with a body selector");
    allowOnly(r.full_text, ["body", "hosts"], "rules.full_text.");
    return {
      kind,
      fullText: {
        body: pick(r.full_text, "body", "rules.full_text.body", true),
        hosts: hostList(r.full_text, "rules.full_text.hosts"),
      },
    };
  }
  if (kind === "json") {
    allowOnly(r, ["items", "id", "title", "date", "body", "summary", "link", "author", "image"], "rules.");
    const json: JsonRules = {
      items: dotPath(r, "items", "rules.items", true)!,
      id: dotPath(r, "id", "rules.id", false),
      title: dotPath(r, "title", "rules.title", true)!,
      date: dotPath(r, "date", "rules.date", false),
      body: dotPath(r, "body", "rules.body", false),
      summary: dotPath(r, "summary", "rules.summary", false),
      link: dotPath(r, "link", "rules.link", false),
      author: dotPath(r, "author", "rules.author", false),
      image: dotPath(r, "image", "rules.image", false),
    };
    if (!json.id && !json.link)
      throw new RuleError("rules.id", "or rules.link is required (an item needs an identity)");
    if (!json.body && !json.summary) throw new RuleError("rules.body", "or rules.summary is required");
    return { kind, json };
  }
  allowOnly(r, ["list", "article", "date_format", "hosts"], "rules.");
  if (!isObj(r.list)) throw new RuleError("rules.list", "is required: { links, next?, max_pages? }");
  if (!isObj(r.article)) throw new RuleError("rules.article", "is required: { title, body, date?, author?, image? }");
  allowOnly(r.list, ["links", "next", "max_pages"], "rules.list.");
  allowOnly(r.article, ["title", "date", "body", "author", "image"], "rules.article.");
  const maxPages = r.list.max_pages ?? 1;
  if (typeof maxPages !== "number" || !Number.isInteger(maxPages) || maxPages < 1 || maxPages > 10) {
    throw new RuleError("rules.list.max_pages", "must be a whole number from 1 to 10");
  }
  const dateFormat = r.date_format ?? null;
  if (
    dateFormat !== null &&
    (typeof dateFormat !== "string" || !/YYYY/.test(dateFormat) || !/MM/.test(dateFormat) || !/DD/.test(dateFormat))
  ) {
    throw new RuleError("rules.date_format", "must contain YYYY, MM and DD (and optionally HH, mm, ss)");
  }
  return {
    kind,
    html: {
      list: {
        links: pick(r.list, "links", "rules.list.links", true),
        next: pick(r.list, "next", "rules.list.next", false),
        maxPages,
      },
      article: {
        title: pick(r.article, "title", "rules.article.title", true),
        date: pick(r.article, "date", "rules.article.date", false),
        body: pick(r.article, "body", "rules.article.body", true),
        author: pick(r.article, "author", "rules.article.author", false),
        image: pick(r.article, "image", "rules.article.image", false),
      },
      dateFormat,
      hosts: hostList(r, "rules.hosts"),
    },
  };
}

/** A date written in `format` (YYYY MM DD HH mm ss tokens) → "YYYY-MM-DD HH:mm:ss" (a bare local
 *  time dates.ts reads in the source's zone); null when it does not match. */
export function applyDateFormat(text: string, format: string): string | null {
  const tokens: string[] = [];
  const pattern = format.replace(/YYYY|MM|DD|HH|mm|ss|[.*+?^${}()|[\]\\]/g, (t) => {
    if (t.length === 1) return `\\${t}`;
    tokens.push(t);
    return t === "YYYY" ? "(\\d{4})" : "(\\d{1,2})";
  });
  const m = new RegExp(pattern.replace(/\s+/g, "\\s*")).exec(text);
  if (!m) return null;
  const v: Record<string, string> = { HH: "00", mm: "00", ss: "00" };
  tokens.forEach((t, i) => {
    v[t] = m[i + 1]!.padStart(2, "0");
  });
  return `${v.YYYY}-${v.MM}-${v.DD} ${v.HH}:${v.mm}:${v.ss}`;
}

/** The value at a dot path of a JSON value. */
export function atPath(value: unknown, path: string): unknown {
  if (path === "") return value;
  let v = value;
  for (const key of path.split(".")) {
    if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)];
    else if (isObj(v)) v = v[key];
    else return undefined;
  }
  return v;
}
