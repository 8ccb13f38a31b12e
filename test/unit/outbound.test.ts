// The outbound address policy, decided from the URL alone: every spelling of a private address
// is refused, the allowlist lets exactly what it names through, public hosts pass.
import { describe, expect, it } from "vitest";
import { STRICT_POLICY, checkOutbound, normalizeHostname, parseOutboundAllowlist } from "../../src/core/outbound";
import { callbackHost } from "../../src/db/subscriptions";
import { fetchUpstream } from "../../src/ingest/fetch-upstream";

const refused = (url: string, policy = STRICT_POLICY) => !checkOutbound(url, policy).ok;

describe("checkOutbound", () => {
  it.each([
    ["localhost", "http://localhost/feed.xml"],
    ["localhost with a trailing dot", "http://localhost./feed.xml"],
    ["a .localhost name", "http://app.localhost:8080/"],
    ["dotted loopback", "http://127.0.0.1/"],
    ["loopback with a trailing dot", "http://127.0.0.1./"],
    ["decimal", "http://2130706433/"],
    ["octal", "http://0177.0.0.1/"],
    ["hex", "http://0x7f.1/"],
    ["hex whole", "http://0x7f000001/"],
    ["short", "http://127.1/"],
    ["other loopback", "http://127.254.0.9:8790/"],
    ["IPv6 loopback", "http://[::1]/"],
    ["IPv6 loopback written long", "http://[0:0:0:0:0:0:0:1]/"],
    ["IPv4-mapped, dotted", "http://[::ffff:127.0.0.1]/"],
    ["IPv4-mapped, hex", "http://[::ffff:7f00:1]/"],
    ["IPv4-compatible", "http://[::127.0.0.1]/"],
    ["NAT64 of loopback", "http://[64:ff9b::7f00:1]/"],
    ["6to4 of a private address", "http://[2002:a00:1::]/"],
    ["RFC 1918 10/8", "http://10.1.2.3/"],
    ["RFC 1918 10/8, decimal", "http://167772161/"],
    ["RFC 1918 172.16/12", "http://172.31.255.1/"],
    ["RFC 1918 192.168/16", "https://192.168.0.1/"],
    ["RFC 1918, octal with a leading zero", "http://0300.0250.0.1/"],
    ["link-local", "http://169.254.1.1/"],
    ["metadata", "http://169.254.169.254/latest/meta-data/"],
    ["metadata, decimal", "http://2852039166/"],
    ["metadata, mapped", "http://[::ffff:169.254.169.254]/"],
    ["metadata, AWS IPv6", "http://[fd00:ec2::254]/"],
    ["metadata by name", "http://metadata.google.internal/computeMetadata/v1/"],
    ["CGNAT", "http://100.64.0.1/"],
    ["CGNAT top", "http://100.127.255.254/"],
    ["Alibaba Cloud metadata (in CGNAT)", "http://100.100.100.200/latest/meta-data/"],
    ["unique-local", "http://[fc00::1]/"],
    ["unique-local fd", "http://[fd12:3456::1]/"],
    ["IPv6 link-local", "http://[fe80::1]/"],
    ["IPv4 multicast", "http://224.0.0.1/"],
    ["IPv6 multicast", "http://[ff02::1]/"],
    ["unspecified", "http://0.0.0.0/"],
    ["unspecified, short", "http://0/"],
    ["IPv6 unspecified", "http://[::]/"],
    ["broadcast", "http://255.255.255.255/"],
    ["a single-label name", "http://intranet/"],
    ["a .internal name", "http://db.corp.internal/"],
  ])("refuses %s (%s)", (_name, url) => {
    expect(refused(url)).toBe(true);
  });

  it.each([
    ["file:", "file:///etc/passwd"],
    ["ftp:", "ftp://example.com/"],
    ["gopher:", "gopher://example.com/"],
    ["data:", "data:text/plain,hi"],
    ["not a URL", "not a url"],
  ])("refuses the scheme %s", (_name, url) => {
    expect(refused(url)).toBe(true);
  });

  it.each([
    "https://www.guilinlife.com/feed.xml",
    "http://93.184.216.34/",
    "http://[2606:4700::6810:84e5]/",
    "https://xn--fiqs8s.example/",
    "http://100.63.255.255/",
    "http://100.128.0.1/",
    "http://172.32.0.1/",
    "http://11.0.0.1/",
  ])("lets a public address through: %s", (url) => {
    expect(checkOutbound(url).ok).toBe(true);
  });

  it("explains the refusal in Chinese, naming the host", () => {
    const v = checkOutbound("http://2130706433/");
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toContain("127.0.0.1 是回环地址");
    expect(!v.ok && v.reason).toContain("ALLOW_PRIVATE_HOSTS");
  });
});

describe("ALLOW_PRIVATE_HOSTS", () => {
  it("'loopback' lets every loopback spelling through and nothing else", () => {
    const p = parseOutboundAllowlist("loopback");
    for (const u of ["http://127.0.0.1:8790/", "http://localhost:1/", "http://[::1]/", "http://0x7f.1/"])
      expect(checkOutbound(u, p).ok).toBe(true);
    for (const u of ["http://10.0.0.1/", "http://169.254.169.254/", "http://[fd00:ec2::254]/"])
      expect(checkOutbound(u, p).ok).toBe(false);
  });

  it("a host:port entry lets only that port through; a bare host any port", () => {
    const p = parseOutboundAllowlist(" 10.0.0.5:8080 , 192.168.1.9,[fd00::7]:80 ");
    expect(checkOutbound("http://10.0.0.5:8080/feed", p).ok).toBe(true);
    expect(checkOutbound("http://10.0.0.5:8081/feed", p).ok).toBe(false);
    expect(checkOutbound("http://167772165:8080/", p).ok).toBe(true); // the same host, spelled in decimal
    expect(checkOutbound("https://192.168.1.9/", p).ok).toBe(true);
    expect(checkOutbound("http://[fd00::7]/", p).ok).toBe(true);
    expect(checkOutbound("http://127.0.0.1/", p).ok).toBe(false);
  });

  it("rejects an entry that is not a host", () => {
    expect(() => parseOutboundAllowlist("http://x/")).toThrow();
    expect(() => parseOutboundAllowlist("a/b")).toThrow();
  });
});

describe("host keys (the WebSub per-host cap)", () => {
  it("compare after case, IDNA, trailing dot and default port; loopback spellings are one host", () => {
    const key = callbackHost;
    expect(key("http://127.0.0.1:8102/cb")).toBe(key("http://localhost:8103/cb"));
    expect(key("http://[::1]/")).toBe("localhost");
    expect(key("http://0x7f.1/")).toBe("localhost");
    expect(key("https://Sub.Example./cb")).toBe(key("https://sub.example/cb"));
    expect(key("https://例子.测试/cb")).toBe(key("https://xn--fsqu00a.xn--0zwm56d/cb"));
    expect(key("https://sub.example:8443/")).toBe("sub.example");
    expect(normalizeHostname("EXAMPLE.com.")).toBe("example.com");
  });
});

describe("fetchUpstream screens every hop before connecting", () => {
  it("never calls fetch for a private first address", async () => {
    let calls = 0;
    const out = await fetchUpstream(async () => (calls++, new Response("x")), "http://0177.0.0.1:8790/feed.xml", {
      etag: null,
      lastModified: null,
    });
    expect(out.kind).toBe("error");
    expect(out.kind === "error" && out.reason).toContain("回环地址");
    expect(calls).toBe(0);
  });

  it("refuses a redirect to the metadata service without following it", async () => {
    const asked: string[] = [];
    const out = await fetchUpstream(
      async (input) => {
        asked.push(String(input));
        return new Response(null, { status: 302, headers: { location: "http://[::ffff:a9fe:a9fe]/latest/" } });
      },
      "https://paper.example/feed.xml",
      { etag: null, lastModified: null },
    );
    expect(asked).toEqual(["https://paper.example/feed.xml"]);
    expect(out.kind === "error" && out.reason).toContain("元数据地址");
  });
});
