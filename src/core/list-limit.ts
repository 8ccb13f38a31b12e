// How many items one listing response holds (a feed's ?limit=, the API's limit): one rule (pure).

export const LIST_LIMIT = { min: 1, max: 100, default: 20 } as const;

/** `raw` as a limit of 1–100 written in plain digits; null when it is anything else. */
export function readListLimit(raw: string): number | null {
  const n = Number(raw);
  return /^\d{1,3}$/.test(raw) && n >= LIST_LIMIT.min && n <= LIST_LIMIT.max ? n : null;
}
