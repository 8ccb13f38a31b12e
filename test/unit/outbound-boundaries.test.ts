// The outbound policy at the edges of every range it refuses: the first and last address inside,
// and the neighbour just outside, for IPv4, IPv6 and the IPv6 forms that carry an IPv4 address.
import { describe, expect, it } from "vitest";
import { checkOutbound, normalizeHostname, parseOutboundAllowlist } from "../../src/core/outbound";

/** The class text a refusal names, or "public" when the address is allowed. */
function verdict(host: string): string {
  const v = checkOutbound(`http://${host}/`);
  if (v.ok) return "public";
  return /是(.+?)，未连接/.exec(v.reason)?.[1] ?? v.reason;
}

describe("IPv4 ranges, inside and just outside", () => {
  it.each([
    ["169.254.169.254", "元数据地址"],
    ["169.254.169.253", "链路本地地址"],
    ["169.254.168.254", "链路本地地址"],
    ["169.253.169.254", "public"],
    ["0.0.0.0", "未指定地址"],
    ["0.0.0.1", "保留地址"],
    ["0.1.0.0", "保留地址"],
    ["1.0.0.0", "public"],
    ["127.0.0.1", "回环地址"],
    ["126.255.255.255", "public"],
    ["128.0.0.0", "public"],
    ["10.0.0.0", "私有网络地址"],
    ["10.255.255.255", "私有网络地址"],
    ["9.255.255.255", "public"],
    ["11.0.0.0", "public"],
    ["172.16.0.0", "私有网络地址"],
    ["172.31.255.255", "私有网络地址"],
    ["172.15.255.255", "public"],
    ["172.32.0.0", "public"],
    ["173.16.0.0", "public"],
    ["192.168.0.1", "私有网络地址"],
    ["192.169.0.1", "public"],
    ["193.168.0.1", "public"],
    ["169.254.0.1", "链路本地地址"],
    ["169.255.0.1", "public"],
    ["100.64.0.0", "CGNAT 地址"],
    ["100.127.255.255", "CGNAT 地址"],
    ["100.63.255.255", "public"],
    ["100.128.0.0", "public"],
    ["101.64.0.0", "public"],
    ["224.0.0.1", "组播地址"],
    ["239.255.255.255", "组播地址"],
    ["223.255.255.255", "public"],
    ["240.0.0.1", "保留地址"],
    ["255.255.255.255", "保留地址"],
    ["192.0.0.8", "保留地址"],
    ["192.0.1.8", "public"],
    ["192.1.0.8", "public"],
    ["198.18.0.1", "保留地址"],
    ["198.19.255.255", "保留地址"],
    ["198.17.0.1", "public"],
    ["198.20.0.1", "public"],
    ["199.18.0.1", "public"],
  ])("%s → %s", (host, cls) => {
    expect(verdict(host)).toBe(cls);
  });
});

describe("IPv6 ranges, and IPv4 carried inside IPv6", () => {
  it.each([
    ["[::]", "未指定地址"],
    ["[::1]", "回环地址"],
    ["[::2]", "保留地址"], // ::0.0.0.2, an IPv4-compatible address in 0/8
    ["[1::1]", "public"],
    ["[::ffff:127.0.0.1]", "回环地址"],
    ["[::ffff:10.1.2.3]", "私有网络地址"],
    ["[::ffff:8.8.8.8]", "public"],
    ["[::fffe:10.1.2.3]", "public"],
    ["[0:0:0:0:1:ffff:a01:203]", "public"],
    ["[::10.1.2.3]", "私有网络地址"],
    ["[::1:10.1.2.3]", "public"],
    ["[64:ff9b::10.1.2.3]", "私有网络地址"],
    ["[64:ff9b::8.8.8.8]", "public"],
    ["[64:ff9a::10.1.2.3]", "public"],
    ["[65:ff9b::10.1.2.3]", "public"],
    ["[64:ff9b:1::10.1.2.3]", "public"],
    ["[2002:a01:203::]", "私有网络地址"],
    ["[2002:808:808::]", "public"],
    ["[2003:a01:203::]", "public"],
    ["[fd00:ec2::254]", "元数据地址"],
    ["[fd00:ec3::254]", "唯一本地地址"],
    ["[fc00::1]", "唯一本地地址"],
    ["[fdff:ffff::1]", "唯一本地地址"],
    ["[fe00::1]", "public"],
    ["[fbff::1]", "public"],
    ["[fe80::1]", "链路本地地址"],
    ["[febf::1]", "链路本地地址"],
    ["[fec0::1]", "链路本地地址"],
    ["[fe7f::1]", "public"],
    ["[ff00::1]", "组播地址"],
    ["[ff02::1]", "组播地址"],
    ["[2001:db8::1]", "保留地址"],
    ["[2001:db9::1]", "public"],
    ["[2002::]", "未指定地址"], // 6to4 of 0.0.0.0
    ["[2606:4700::1111]", "public"],
  ])("%s → %s", (host, cls) => {
    expect(verdict(host)).toBe(cls);
  });
});

describe("names", () => {
  it.each([
    ["localhost", "回环地址"],
    ["a.localhost", "回环地址"],
    ["localhost.", "回环地址"],
    ["intranet", "内部主机名"],
    ["printer.local", "内部主机名"],
    ["db.internal", "内部主机名"],
    ["wiki.intranet", "内部主机名"],
    ["nas.lan", "内部主机名"],
    ["router.home.arpa", "内部主机名"],
    ["notlocal.example", "public"],
    ["local.example.com", "public"],
    ["mylan.example", "public"],
    ["news.example.com", "public"],
  ])("%s → %s", (host, cls) => {
    expect(verdict(host)).toBe(cls);
  });

  it("normalizes a host name: case, trailing dots, brackets, every loopback spelling one name", () => {
    expect(normalizeHostname("News.Example.COM..")).toBe("news.example.com");
    expect(normalizeHostname("[2001:DB8::1]")).toBe("2001:db8::1");
    for (const h of ["127.0.0.5", "[::1]", "sub.localhost", "LOCALHOST."])
      expect(normalizeHostname(h)).toBe("localhost");
  });
});

describe("the allowlist", () => {
  it("lets a private host through on any port, a host:port only on that port, http's :80 kept", () => {
    const policy = parseOutboundAllowlist(" 10.0.0.5 , 192.168.1.2:8080,172.16.0.1:80, LOOPBACK ,");
    expect(policy.loopback).toBe(true);
    expect([...policy.hosts].sort()).toEqual(["10.0.0.5", "172.16.0.1:80", "192.168.1.2:8080"]);
    expect(checkOutbound("http://10.0.0.5:9000/x", policy).ok).toBe(true);
    expect(checkOutbound("http://192.168.1.2:8080/", policy).ok).toBe(true);
    expect(checkOutbound("http://192.168.1.2/", policy).ok).toBe(false);
    expect(checkOutbound("http://172.16.0.1/", policy).ok).toBe(true);
    expect(checkOutbound("https://172.16.0.1/", policy).ok).toBe(false);
    expect(checkOutbound("http://[::1]:8787/", policy).ok).toBe(true);
    expect(parseOutboundAllowlist(undefined)).toEqual({ loopback: false, hosts: new Set() });
    expect(parseOutboundAllowlist("[fd00::5]").hosts).toEqual(new Set(["fd00::5"]));
    expect(checkOutbound("https://[fd00::5]/", parseOutboundAllowlist("[fd00::5]")).ok).toBe(true);
    expect(checkOutbound("https://10.0.0.6:443/", parseOutboundAllowlist("10.0.0.6:443")).ok).toBe(true);
  });

  it.each(["10.0.0.5/x", "user@10.0.0.5", "10.0.0.5?q", "http://10.0.0.5", "not a host"])(
    "refuses the entry %j, naming it",
    (entry) => {
      expect(() => parseOutboundAllowlist(entry)).toThrow(`"${entry.toLowerCase()}"`);
    },
  );
});
