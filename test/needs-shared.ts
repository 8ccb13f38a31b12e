// Why a test is skipped on a checkout without the shared material (see test/shared-material.ts).
// No Node imports: the worker tests, which run inside workerd, use these too.
export const NEEDS_SEED = "needs ../shared/seed: set SHARED_DIR to run it";
export const NEEDS_ATOM_SCHEMA = "needs ../shared/schemas: set SHARED_DIR to run it";
