// Link and URL helpers for the router, kept out of the rune file: URLs here are parsed once
// into plain immutable parts, never kept and mutated.
import { isServerPath } from "./routes.js";

export interface UrlParts {
  origin: string;
  pathname: string;
  search: string;
  hash: string;
}

/** Resolves `href` against `base` (absolute) into plain parts. */
export function parseUrl(href: string, base?: string): UrlParts {
  const url = new URL(href, base);
  return { origin: url.origin, pathname: url.pathname, search: url.search, hash: url.hash };
}

export function queryOf(search: string): Readonly<Pick<URLSearchParams, "get" | "has" | "getAll">> {
  return new URLSearchParams(search);
}

/** What the click handler needs to know about a link (an HTMLAnchorElement has all of it). */
export interface LinkLike {
  href: string;
  target: string;
  hasAttribute(name: string): boolean;
  relList?: { contains(token: string): boolean };
}

export interface ClickLike {
  defaultPrevented: boolean;
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * The in-app URL to go to for this click, or null to let the browser do what it would anyway:
 * new tab/window, downloads, other origins, server pages (API, MockPay), same-page #anchors.
 */
export function inAppHref(click: ClickLike, link: LinkLike, current: UrlParts): string | null {
  if (click.defaultPrevented || click.button !== 0) return null;
  if (click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return null;
  if (link.target !== "" && link.target !== "_self") return null;
  if (link.hasAttribute("download") || link.relList?.contains("external")) return null;
  const url = parseUrl(link.href, current.origin + current.pathname + current.search);
  if (url.origin !== current.origin || isServerPath(url.pathname)) return null;
  if (url.pathname === current.pathname && url.search === current.search && url.hash !== "") return null;
  return url.pathname + url.search + url.hash;
}

/** An order's private link. The token goes in the fragment, which browsers never send to the
 * server, so it stays out of server and proxy logs. */
export function privateOrderLink(origin: string, orderId: string, token: string): string {
  return `${origin}/orders/${encodeURIComponent(orderId)}#token=${encodeURIComponent(token)}`;
}

/** The order token a link carries: `#token=` (current links), else `?token=` (links sent before,
 * and the return from payment). Null when there is none. */
export function orderTokenFromUrl(url: Pick<UrlParts, "search" | "hash">): string | null {
  const fromHash = new URLSearchParams(url.hash.replace(/^#/, "")).get("token");
  if (fromHash) return fromHash;
  return new URLSearchParams(url.search).get("token") || null;
}
