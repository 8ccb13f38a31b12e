// What each HTML page reads, as one batch: the page's own rows and the header's sources travel
// in a single round trip to D1 (a round trip costs more than the rows it carries).
import type {
  Article,
  ArticleBrief,
  DirectoryEntry,
  NavSource,
  Neighbour,
  Paged,
  SiteNav,
  Source,
  StoryLink,
} from "../core/model";
import {
  BRIEF_COLUMNS,
  type ListOptions,
  type ListScope,
  articleStatement,
  listStatement,
  neighbourStatements,
  resolveSearchScope,
  toPaged,
} from "./articles";
import { tagExistsStatement } from "./tags";
import { type StoryLinkRow, storyOthersStatement, toStoryLink } from "./stories";
import { type ArticleBriefRow, type ArticleRow, type SourceRow, toArticle, toArticleBrief, toSource } from "./rows";
import { directoryStatement, navStatement, sourceBySlugStatement, toNav } from "./sources";
import type { SqlRunner, Stmt } from "./sql";

type Rows = readonly unknown[];

/** What must exist for a listing page to exist: its source or its tag. */
export type ListingSubject = { readonly source: string } | { readonly tag: string } | null;

export interface ListingPageData<T> {
  readonly nav: SiteNav;
  /** The source of a category page; null when it does not exist (or the page is not one). */
  readonly source: Source | null;
  /** False when the page's source or tag does not exist. */
  readonly exists: boolean;
  readonly page: Paged<T>;
}

/** A home, category or tag page: the header's sources, the page's source or tag, and its
 *  articles' brief columns (with the search rowid, the next page's cursor). */
export function readListingPage(
  db: SqlRunner,
  scope: Exclude<ListScope, { kind: "search" }>,
  opts: ListOptions,
  subject: ListingSubject = null,
): Promise<ListingPageData<ArticleBrief>> {
  return readListing(db, listStatement(scope, opts, BRIEF_COLUMNS), toArticleBrief, opts.limit, subject);
}

/** A search page: the matches with their bodies (the excerpt is cut around the words found). */
export async function readSearchPage(
  db: SqlRunner,
  scope: ListScope & { kind: "search" },
  opts: ListOptions,
): Promise<ListingPageData<Article>> {
  const listing = listStatement(await resolveSearchScope(db, scope), { ...opts, withContent: true });
  return readListing(db, listing, toArticle, opts.limit, null);
}

async function readListing<R extends ArticleBriefRow & { search_rowid?: number | null }, T>(
  db: SqlRunner,
  listing: Stmt,
  map: (row: R) => T,
  limit: number,
  subject: ListingSubject,
): Promise<ListingPageData<T>> {
  const subjectStmt =
    subject === null
      ? []
      : ["source" in subject ? sourceBySlugStatement(subject.source) : tagExistsStatement(subject.tag)];
  const [nav, ...rest] = await db.allMany([navStatement(), ...subjectStmt, listing]);
  const rows = rest.pop() as R[];
  const subjectRows = rest[0] as Rows | undefined;
  const source = subject && "source" in subject && subjectRows?.[0] ? toSource(subjectRows[0] as SourceRow) : null;
  return {
    nav: toNav(nav as NavSource[]),
    source,
    exists: subjectRows === undefined || subjectRows.length > 0,
    page: toPaged(rows, limit, map),
  };
}

export interface ArticlePageData {
  readonly nav: SiteNav;
  readonly article: Article | null;
  readonly older: Neighbour | null;
  readonly newer: Neighbour | null;
  /** The other papers' articles of its story, oldest first. */
  readonly others: readonly StoryLink[];
}

export async function readArticlePage(db: SqlRunner, id: string): Promise<ArticlePageData> {
  const [nav, article, older, newer, others] = await db.allMany([
    navStatement(),
    articleStatement(id),
    ...neighbourStatements(id),
    storyOthersStatement(id),
  ]);
  return {
    others: ((others ?? []) as StoryLinkRow[]).map(toStoryLink),
    nav: toNav(nav as NavSource[]),
    article: article?.[0] ? toArticle(article[0] as ArticleRow) : null,
    older: (older?.[0] as Neighbour | undefined) ?? null,
    newer: (newer?.[0] as Neighbour | undefined) ?? null,
  };
}

export interface DirectoryPageData {
  readonly nav: SiteNav;
  readonly entries: readonly DirectoryEntry[];
  /** The id to continue after, when more sources follow. */
  readonly next: number | null;
}

export async function readDirectoryPage(db: SqlRunner, after: number, limit: number): Promise<DirectoryPageData> {
  const [nav, rows] = (await db.allMany([navStatement(), directoryStatement(after, limit)])) as [
    NavSource[],
    DirectoryEntry[],
  ];
  const entries = rows.slice(0, limit);
  return { nav: toNav(nav), entries, next: rows.length > limit ? entries[entries.length - 1]!.id : null };
}
