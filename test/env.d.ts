import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      MIGRATION_DB: D1Database;
      LABELS_MIGRATION_DB: D1Database;
      SEARCH_MIGRATION_DB: D1Database;
      SEARCH_MIGRATION_EPOCH_DB: D1Database;
      SEARCH_KICK_DB: D1Database;
      STORY_KEYS_MIGRATION_DB: D1Database;
      ADMIN_TOKEN: string;
    }
  }
}

interface PostFile {
  name: string;
  text: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The real seed post from ../shared; null when that is absent. */
    seedPost: PostFile | null;
    samplePosts: PostFile[];
    migrationFiles: PostFile[];
    feedFixtures: Record<string, string>;
    siteFixtures: Record<string, string>;
  }
}
