// The one outbound address policy for every fetch (pure: decided from the URL, before any
// connection). The WHATWG URL parser has already canonicalised every IPv4 spelling (2130706433,
// 0177.0.0.1, 0x7f.1, 127.1) and IPv6 literal; this only classifies. Names are not resolved
// (no DNS API in Workers): SECURITY.md.
import { ConfigError } from "./errors";
import { parseHttpUrl } from "./urls";

export interface OutboundPolicy {
  /** localhost and every loopback literal are allowed (local development, tests). */
  readonly loopback: boolean;
  /** Allowed private hosts ("10.0.0.5") or host:port pairs ("10.0.0.5:8080"), normalised. */
  readonly hosts: ReadonlySet<string>;
}

/** Production: nothing private. */
export const STRICT_POLICY: OutboundPolicy = { loopback: false, hosts: new Set() };

export type OutboundVerdict =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly reason: string };

/** Lower case, no trailing dot, an IPv6 literal without its brackets. */
function bareHostname(hostname: string): string {
  const h = hostname.toLowerCase().replace(/\.+$/, "");
  return h.startsWith("[") ? h.slice(1, -1) : h;
}

/** A hostname as the cap and the allowlist compare it: lower case (URL did that, and IDNA),
 *  no trailing dot, no brackets; every loopback spelling (localhost, *.localhost, 127/8, ::1,
 *  ::ffff:127.x) is the one name "localhost". */
export function normalizeHostname(hostname: string): string {
  const bare = bareHostname(hostname);
  const cls = classifyHost(bare);
  return cls === "loopback" ? "localhost" : bare;
}

type HostClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "unique-local"
  | "multicast"
  | "unspecified"
  | "metadata"
  | "reserved"
  | "internal-name";

const CLASS_TEXT: Record<Exclude<HostClass, "public">, string> = {
  loopback: "回环地址",
  private: "私有网络地址",
  "link-local": "链路本地地址",
  cgnat: "CGNAT 地址",
  "unique-local": "唯一本地地址",
  multicast: "组播地址",
  unspecified: "未指定地址",
  metadata: "元数据地址",
  reserved: "保留地址",
  "internal-name": "内部主机名",
};

// Hosts here come from URL's parser, which writes every IPv4 address as four decimal parts ≤ 255.
const parseIpv4 = (host: string): number[] | null =>
  /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host.split(".").map(Number) : null;

function classifyIpv4([a, b, c, d]: number[]): HostClass {
  if (a === 169 && b === 254 && c === 169 && d === 254) return "metadata";
  if (a === 0) return b === 0 && c === 0 && d === 0 ? "unspecified" : "reserved";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 169 && b === 254) return "link-local";
  if (a === 100 && b! >= 64 && b! <= 127) return "cgnat";
  if (a! >= 224 && a! <= 239) return "multicast";
  if (a! >= 240) return "reserved"; // 240/4 and the broadcast address
  if (a === 192 && b === 0 && c === 0) return "reserved"; // IETF protocol assignments
  if (a === 198 && (b === 18 || b === 19)) return "reserved"; // benchmarking
  return "public";
}

/** An IPv6 literal (no brackets) as URL serializes it (hex only: a dotted tail such as
 *  ::ffff:127.0.0.1 is already ::ffff:7f00:1) → eight 16-bit groups; null when not one. */
function parseIpv6(host: string): number[] | null {
  if (!host.includes(":")) return null;
  const halves = host.split("::");
  if (halves.length > 2) return null;
  const side = (s: string) => (s === "" ? [] : s.split(":"));
  const left = side(halves[0]!);
  const right = halves.length === 2 ? side(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

function classifyIpv6(g: number[]): HostClass {
  const v4 = () => [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255];
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return "unspecified";
  if (zeroTo(7) && g[7] === 1) return "loopback";
  if (zeroTo(5) && g[5] === 0xffff) return classifyIpv4(v4()); // IPv4-mapped ::ffff:a.b.c.d
  if (zeroTo(6)) return classifyIpv4(v4()); // IPv4-compatible ::a.b.c.d (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(v4()); // NAT64
  if (g[0] === 0x2002) return classifyIpv4([g[1]! >> 8, g[1]! & 255, g[2]! >> 8, g[2]! & 255]); // 6to4
  if (g[0] === 0xfd00 && g[1] === 0x0ec2) return "metadata"; // AWS IMDS over IPv6 (fd00:ec2::254)
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique-local";
  if ((g[0]! & 0xff80) === 0xfe80) return "link-local"; // fe80::/10, and the old site-local fec0::/10
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0x2001 && g[1] === 0x0db8) return "reserved"; // documentation
  return "public";
}

// Names that only mean something inside a network: never a newspaper's server.
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/;

function classifyHost(host: string): HostClass {
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  const v4 = parseIpv4(host);
  if (v4) return classifyIpv4(v4);
  const v6 = parseIpv6(host);
  if (v6) return classifyIpv6(v6);
  if (!host.includes(".") || INTERNAL_NAME.test(host)) return "internal-name";
  return "public";
}

/** May the worker fetch `raw`? http(s) only, and no private destination unless allowlisted. */
export function checkOutbound(raw: string, policy: OutboundPolicy = STRICT_POLICY): OutboundVerdict {
  const url = parseHttpUrl(raw);
  if (!url) return { ok: false, reason: "出站地址被拒绝：只允许 http(s) 地址" };
  const bare = bareHostname(url.hostname);
  const cls = classifyHost(bare);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  if (
    cls === "public" ||
    (cls === "loopback" && policy.loopback) ||
    policy.hosts.has(bare) ||
    policy.hosts.has(`${bare}:${port}`)
  )
    return { ok: true, url };
  return {
    ok: false,
    reason: `出站地址被拒绝：${url.hostname} 是${CLASS_TEXT[cls]}，未连接（ALLOW_PRIVATE_HOSTS 可放行）`,
  };
}

/** "host" or "host:port" as written in configuration or rules → its URL; null when it is more
 *  (a path, a query, userinfo) or not a host at all. */
export function parseHostEntry(entry: string): URL | null {
  const url = parseHttpUrl(`http://${entry.trim()}`);
  return url?.href === `http://${url?.host}/` ? url : null;
}

/** ALLOW_PRIVATE_HOSTS: comma-separated entries, each "loopback", a host, or host:port. An entry
 *  that is not one of these is a ConfigError naming it. */
export function parseOutboundAllowlist(raw: string | undefined): OutboundPolicy {
  let loopback = false;
  const hosts = new Set<string>();
  for (const entry of (raw ?? "").split(",").map((e) => e.trim().toLowerCase())) {
    if (!entry) continue;
    if (entry === "loopback") {
      loopback = true;
      continue;
    }
    const url = parseHostEntry(entry);
    if (!url) throw new ConfigError(`ALLOW_PRIVATE_HOSTS: "${entry}" is not "loopback", a host or host:port`);
    const host = bareHostname(url.hostname);
    // URL drops port 80 as http's default: a written ":80" still means that port.
    const port = url.port || (/:80$/.test(entry) ? "80" : "");
    hosts.add(port ? `${host}:${port}` : host);
  }
  return { loopback, hosts };
}
