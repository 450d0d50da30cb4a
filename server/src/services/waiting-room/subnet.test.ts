import { describe, expect, it } from "vitest";
import { isLoopback, subnetOf } from "./subnet.js";

describe("isLoopback", () => {
  it("is the host's own addresses, IPv4-mapped too, and nothing else", () => {
    for (const a of ["127.0.0.1", "127.4.5.6", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(a)).toBe(true);
    for (const a of ["10.0.0.1", "128.0.0.1", "::2", "::ffff:10.0.0.1", "fe80::1", "localhost"])
      expect(isLoopback(a)).toBe(false);
  });
});

describe("subnetOf", () => {
  it("takes an IPv4 address's /24, an IPv4-mapped one as IPv4", () => {
    expect(subnetOf("203.0.113.77")).toBe("203.0.113.0/24");
    expect(subnetOf("::ffff:203.0.113.9")).toBe("203.0.113.0/24");
    expect(subnetOf("203.0.114.1")).not.toBe(subnetOf("203.0.113.1"));
  });

  it("takes an IPv6 address's /48, however it is written", () => {
    expect(subnetOf("2001:db8:abcd:12::1")).toBe("2001:db8:abcd::/48");
    expect(subnetOf("2001:0db8:abcd:0012:0000:0000:0000:0001")).toBe("2001:db8:abcd::/48");
    expect(subnetOf("2001:db8::1")).toBe("2001:db8:0::/48");
    expect(subnetOf("::1")).toBe("0:0:0::/48");
  });

  it("counts what is not an address as itself", () => {
    expect(subnetOf("unknown")).toBe("unknown");
  });
});
