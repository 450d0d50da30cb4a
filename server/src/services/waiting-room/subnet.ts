// The subnet a client address belongs to, as the bot defence counts joins: IPv4 /24, IPv6 /48
// (one site's allocation), an IPv4-mapped IPv6 address as its IPv4. Anything else counts as itself.
import { isIPv4, isIPv6 } from "node:net";

/** The eight 16-bit groups of an IPv6 address, "::" expanded; null when it is not one. */
function ipv6Groups(address: string): string[] | null {
  const [head = "", tail] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  if (tail === undefined) return left.length === 8 ? left : null;
  const missing = 8 - left.length - right.length;
  return missing < 0 ? null : [...left, ...Array<string>(missing).fill("0"), ...right];
}

/** The server's own host (127.0.0.0/8, ::1, either IPv4-mapped): a load test on the box, or a proxy
 * whose hop TRUST_PROXY_HOPS does not count — never one subnet of many fans' own. */
export function isLoopback(address: string): boolean {
  const ip = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
  return ip === "::1" || (isIPv4(ip) && ip.startsWith("127."));
}

export function subnetOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped?.[1] ?? address;
  if (isIPv4(ip)) return `${ip.split(".").slice(0, 3).join(".")}.0/24`;
  if (!isIPv6(ip)) return ip;
  const groups = ipv6Groups(ip.split("%")[0] ?? ip);
  if (!groups) return ip;
  return `${groups
    .slice(0, 3)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/48`;
}
