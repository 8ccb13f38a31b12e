// Which of an item's date elements is its published date and which its updated date (pure).
// Every date element of RSS 2.0, RSS 1.0 (RDF), Dublin Core, DC Terms and Atom 0.3/1.0 is read;
// the first present (as a string: a date that does not parse is not skipped here) wins, in
// this order:
//   published — RSS pubDate; dc:date; dcterms:issued; dcterms:created; dcterms:date;
//               atom:published (Atom: published, 0.3 issued, 0.3 created — feedsmith maps
//               issued and created onto `published`); dcterms:available
//   updated   — Atom updated (0.3 modified, mapped by feedsmith); atom:updated inside RSS;
//               dcterms:modified; else none (normalize then takes the published date)
// Dates without a zone are read in the source's zone by parseFeedDate.
import { type Obj, arr, obj, str } from "./feed-values";

const first = (...candidates: unknown[]): string | null => {
  for (const c of candidates) {
    const s = str(arr(c)[0]);
    if (s) return s;
  }
  return null;
};

function dcDates(i: Obj) {
  const dc = obj(i.dc);
  const terms = obj(i.dcterms);
  return {
    published: first(dc?.dates, terms?.issued, terms?.created, terms?.dates),
    available: first(terms?.available),
    updated: first(terms?.modified),
  };
}

export function rssDates(i: Obj): { published: string | null; updated: string | null } {
  const atom = obj(i.atom);
  const dc = dcDates(i);
  return {
    published: first(i.pubDate) ?? dc.published ?? first(atom?.published) ?? dc.available,
    updated: first(atom?.updated) ?? dc.updated,
  };
}

export function atomDates(e: Obj): { published: string | null; updated: string | null } {
  const dc = dcDates(e);
  return {
    published: first(e.published, e.issued, e.created) ?? dc.published ?? dc.available,
    updated: first(e.updated, e.modified) ?? dc.updated,
  };
}
