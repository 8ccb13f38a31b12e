// Upstream date strings → Instant, keeping the offset the source wrote (pure).
import type { Instant } from "../core/model";
import { parseIsoLikeDate, parseOffset } from "../core/time";

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

// RFC 822 / 2822 zone names. "CST" is ambiguous: China Standard Time from a Chinese source,
// US Central elsewhere; see zoneNameOffset.
const ZONE_NAMES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  BJT: 480,
  HKT: 480,
  SGT: 480,
  JST: 540,
  KST: 540,
};

const CHINA_ZONES = /^Asia\/(Shanghai|Chongqing|Chungking|Harbin|Urumqi|Hong_Kong|Macau|Taipei)$|^PRC$/;

function zoneNameOffset(name: string, timeZone: string): number | null {
  const upper = name.toUpperCase();
  if (upper === "CST") return CHINA_ZONES.test(timeZone) ? 480 : -360;
  return ZONE_NAMES[upper] ?? null;
}

// "Tue, 18 Nov 2025 09:30:00 +0800", "18 Nov 25 09:30 GMT", "Tue, 18 Nov 2025 09:30:00 CST".
const RFC_822 =
  /^(?:[A-Za-z]{3,9},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?$/;
// "2025年11月18日 10:27", "2025年11月18日10时27分", "2025年11月18日".
const CHINESE =
  /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*(?:[:：分]\s*(\d{1,2})\s*秒?)?\s*分?)?$/;

/** Any date an upstream feed or page may carry → Instant, in the source's zone when none is given. */
export function parseFeedDate(raw: string | null | undefined, timeZone: string): Instant | null {
  if (!raw) return null;
  const text = raw.trim().replace(/\s+/g, " ");
  if (!text) return null;

  const iso = parseIsoLikeDate(text.replace(/^(\d{4})[/.](\d{1,2})[/.](\d{1,2})/, "$1-$2-$3"), timeZone);
  if (iso) return iso;

  const r = RFC_822.exec(text);
  if (r) {
    const month = MONTHS[r[2]!.toLowerCase()];
    if (month === undefined) return null;
    let year = Number(r[3]);
    if (r[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 2822 §4.3
    const fields = {
      year,
      month,
      day: Number(r[1]),
      hour: Number(r[4]),
      minute: Number(r[5]),
      second: Number(r[6] ?? 0),
    };
    const zone = r[7];
    if (zone === undefined) return parseIsoLikeDate(isoOf(fields), timeZone);
    const offset = /^[+-]/.test(zone) ? parseOffset(zone) : zoneNameOffset(zone, timeZone);
    if (offset === null) return null;
    return parseIsoLikeDate(
      `${isoOf(fields)}${offset < 0 ? "-" : "+"}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`,
      timeZone,
    );
  }

  const c = CHINESE.exec(text);
  if (c) {
    return parseIsoLikeDate(
      isoOf({
        year: Number(c[1]),
        month: Number(c[2]),
        day: Number(c[3]),
        hour: Number(c[4] ?? 0),
        minute: Number(c[5] ?? 0),
        second: Number(c[6] ?? 0),
      }),
      timeZone,
    );
  }
  return null;
}

const two = (n: number) => String(n).padStart(2, "0");
function isoOf(f: { year: number; month: number; day: number; hour: number; minute: number; second: number }): string {
  return `${f.year}-${two(f.month)}-${two(f.day)}T${two(f.hour)}:${two(f.minute)}:${two(f.second)}`;
}
