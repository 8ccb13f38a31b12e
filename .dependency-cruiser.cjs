// The rooms of src/ and the directions imports may take between them (docs/architecture.md).
// `npm run check:deps` fails on any of these, naming the offending import.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import circle anywhere in src/.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "core-imports-nothing",
      severity: "error",
      comment: "core/ is the vocabulary: it imports nothing else from src/.",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "db-only-core",
      severity: "error",
      comment: "db/ holds all SQL and imports only core/.",
      from: { path: "^src/db/" },
      to: { path: "^src/", pathNot: "^src/(core|db)/" },
    },
    {
      name: "render-is-pure",
      severity: "error",
      comment: "render/ is pure: no D1 values, no ingest, no web, no websub (read models live in core/).",
      from: { path: "^src/render/" },
      to: { path: "^src/(db|ingest|web|websub|feeds)/" },
    },
    {
      name: "ingest-not-web-or-render",
      severity: "error",
      comment: "ingest/ never imports web/, render/, feeds/ or websub/.",
      from: { path: "^src/ingest/" },
      to: { path: "^src/(web|render|feeds|websub)/" },
    },
    {
      name: "feeds-below-web-and-websub",
      severity: "error",
      comment: "feeds/ sits below web/ and websub/: it imports core, db, render and archive only.",
      from: { path: "^src/feeds/" },
      to: { path: "^src/(web|websub|ingest)/" },
    },
    {
      name: "archive-only-core-db",
      severity: "error",
      comment: "archive/ (bodies in R2, the cron's archive step) imports core/, db/ and config.ts only.",
      from: { path: "^src/archive/" },
      to: { path: "^src/(web|render|feeds|websub|ingest)/" },
    },
    {
      name: "websub-not-web",
      severity: "error",
      comment: "websub/ is a back-end service: it never imports web/ (the feeds room is below both).",
      from: { path: "^src/websub/" },
      to: { path: "^src/web/" },
    },
    {
      name: "nothing-imports-the-entry",
      severity: "error",
      comment: "index.ts and app.ts are the top: no room imports them (index.ts mounts app.ts).",
      from: { path: "^src/", pathNot: "^src/index[.]ts$" },
      to: { path: "^src/(index|app)\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^src/shims/" },
  },
};
