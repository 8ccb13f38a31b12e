// Upstream date strings → Instant, keeping the offset the source wrote (pure).
import type { Instant } from "../core/model";
import { instantInZone } from "../core/time";

// Jekyll / ISO 8601 style: "2022-02-21 10:27:50 +0800", "2022-02-21T10:27:50+08:00",
// "2022-02-21 10:27", "2022-02-21". Jekyll itself accepts the offset with or without a colon.
const LOCAL_DATE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parse an ISO-8601-like local date; a missing zone means `timeZone` (the source's). */
export function parseIsoLikeDate(raw: string, timeZone: string): Instant | null {
  const m = LOCAL_DATE.exec(raw.trim());
  if (!m) return null;
  const fields = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
  if (!isValidWallClock(fields)) return null;
  const zone = m[7];
  if (zone === undefined) return instantInZone(fields, timeZone);
  const offset = zone.toUpperCase() === "Z" ? 0 : parseOffset(zone);
  if (offset === null) return null;
  const naive = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  return { ms: naive - offset * 60_000, offset };
}

/** "+0800" | "+08:00" → 480; null when out of range (RFC 3339 allows ±23:59). */
export function parseOffset(text: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

function isValidWallClock(f: { year: number; month: number; day: number; hour: number; minute: number; second: number }): boolean {
  if (f.month < 1 || f.month > 12 || f.hour > 23 || f.minute > 59 || f.second > 60) return false;
  const d = new Date(Date.UTC(f.year, f.month - 1, f.day));
  return d.getUTCDate() === f.day && d.getUTCMonth() === f.month - 1;
}
