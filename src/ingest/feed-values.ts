// Reading the loosely typed objects `feedsmith` returns (pure): one value, a list, a string.
export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj | null =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export function str(v: unknown): string | null {
  if (typeof v === "string") return v.trim() || null;
  if (typeof v === "number") return String(v);
  const o = obj(v);
  if (o && "value" in o) return str(o.value);
  return null;
}
export const strs = (v: unknown) =>
  arr(v)
    .map((x) => str(x) ?? str(obj(x)?.name) ?? str(obj(x)?.term))
    .filter((x): x is string => x !== null);
