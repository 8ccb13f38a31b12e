// Material from outside the repository: the team's real seed post and the RFC 4287 (Atom) RELAX NG
// schema, kept in ../shared beside the checkout (or wherever SHARED_DIR points). A fresh clone has
// neither, so the tests that need them are skipped, naming why (NEEDS_*); REQUIRE_SHARED=1 (set by
// .ci/run and the workflow when the material is checked out) turns a missing piece into an error.
// Node only: the worker tests receive the seed post through `inject("seedPost")` instead.
import { existsSync } from "node:fs";
import { join } from "node:path";

export const SHARED_DIR = process.env.SHARED_DIR || join(import.meta.dirname, "../../shared");
export const SEED_FILE = join(SHARED_DIR, "seed/000_fef703573001e7bd.txt");
export const ATOM_SCHEMA = join(SHARED_DIR, "schemas/atom-rfc4287.rnc");

export const hasSeed = existsSync(SEED_FILE);
export const hasAtomSchema = existsSync(ATOM_SCHEMA);

/** The reasons a skipped test names (kept import-free in needs-shared.ts for the worker tests). */
export { NEEDS_ATOM_SCHEMA, NEEDS_SEED } from "./needs-shared.ts";

/** What is missing, one line each; empty when everything is there. */
export function missingShared(): string[] {
  return [
    ...(hasSeed ? [] : [`${SEED_FILE} (the seed post)`]),
    ...(hasAtomSchema ? [] : [`${ATOM_SCHEMA} (the Atom schema)`]),
  ];
}
