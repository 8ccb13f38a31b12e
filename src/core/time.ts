// Instants with the offset the source wrote them in; formatting in that offset.
//
// Module state: one Intl.DateTimeFormat per zone asked about (at most 1000), a pure memo table
// that is never stale and never reset (src/state.ts lists it).
import type { Instant } from "./model";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The wall-clock fields of an instant as seen at its own offset. */
function wallClock(instant: Instant): Date {
  return new Date(instant.ms + instant.offset * 60_000);
}

/** "+08:00" (RFC 3339) or "+0800" (RFC 822) for an offset in minutes. */
export function formatOffset(offset: number, colon = true): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ":" : ""}${pad(abs % 60)}`;
}

/** "2022-02-21T10:27:50+08:00" — RFC 3339 with the source's own offset. */
export function toRfc3339(instant: Instant): string {
  const d = wallClock(instant);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    formatOffset(instant.offset)
  );
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Mon, 21 Feb 2022 10:27:50 +0800" — RFC 822 (RSS 2.0 pubDate) with the source's offset. */
export function toRfc822(instant: Instant): string {
  const d = wallClock(instant);
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${formatOffset(instant.offset, false)}`
  );
}

/** "2022-02-21 10:27 (+08:00)" — how pages show a date. */
export function formatDisplay(instant: Instant): string {
  const d = wallClock(instant);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} (${formatOffset(instant.offset)})`
  );
}

/** "2022/02/21" — the date part of a permalink, in the source's offset. */
export function formatPathDate(instant: Instant): string {
  const d = wallClock(instant);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

// Building an Intl.DateTimeFormat is costly; one per zone is kept (null: not a zone).
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    } catch {
      f = null;
    }
    if (formatters.size < 1000) formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes east of UTC of an IANA zone at an instant, or null for an unknown zone. */
export function zoneOffset(timeZone: string, ms: number): number | null {
  const formatter = offsetFormatter(timeZone);
  if (formatter === null) return null;
  const name = formatter.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value;
  if (name === undefined) return null;
  if (name === "GMT") return 0;
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m) return null;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** An instant with the offset its zone had then: the one rule for "this moment, as that zone
 *  writes it". An unknown zone (the config and the sources' zones are validated, so only old rows)
 *  reads as UTC. */
export function instantIn(timeZone: string, ms: number): Instant {
  return { ms, offset: zoneOffset(timeZone, ms) ?? 0 };
}

/** "yyyy/mm" of an instant in a zone: the month an archive or a sitemap files it under. */
export function monthIn(timeZone: string, ms: number): string {
  return formatPathDate(instantIn(timeZone, ms)).slice(0, 7);
}

export function isTimeZone(timeZone: string): boolean {
  return zoneOffset(timeZone, 0) !== null;
}

/** The instant of a wall-clock time in an IANA zone (DST-safe: resolves the offset twice). */
export function instantInZone(
  fields: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  timeZone: string,
): Instant | null {
  const naive = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  const first = zoneOffset(timeZone, naive);
  if (first === null) return null;
  const offset = zoneOffset(timeZone, naive - first * 60_000) ?? first;
  return { ms: naive - offset * 60_000, offset };
}

// --- parsing: ISO 8601 dates (the API's RFC 3339 parameters, Jekyll front matter, feeds) ------

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

export function isValidWallClock(f: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): boolean {
  if (f.month < 1 || f.month > 12 || f.hour > 23 || f.minute > 59 || f.second > 60) return false;
  const d = new Date(Date.UTC(f.year, f.month - 1, f.day));
  return d.getUTCDate() === f.day && d.getUTCMonth() === f.month - 1;
}
