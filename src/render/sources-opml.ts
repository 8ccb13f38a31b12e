// The console's OPML export: every source's upstream address (what an import reads back).
import { escapeXml } from "../core/escape";

export function renderSourcesOpml(
  title: string,
  sources: readonly { name: string; feedUrl: string | null; homepage: string | null }[],
): string {
  // A source without an address (a page source not yet set up) has nothing to export.
  const outlines = sources.flatMap((s) =>
    s.feedUrl
      ? [
          `    <outline type="rss" text="${escapeXml(s.name)}" title="${escapeXml(s.name)}" xmlUrl="${escapeXml(s.feedUrl)}"${
            s.homepage ? ` htmlUrl="${escapeXml(s.homepage)}"` : ""
          }/>`,
        ]
      : [],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head><title>${escapeXml(title)}</title></head>\n  <body>\n${outlines.join("\n")}\n  </body>\n</opml>\n`;
}
