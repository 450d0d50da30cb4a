// The client's routes (contract.md "Pages"). To add a page: add a member to `Route`, a line to
// `routeTable`, and a branch in App.svelte. Paths the server answers itself never reach here.
import { assert } from "@stampede/shared/assert";

export type Route =
  | { name: "home" }
  | { name: "event"; eventId: string }
  | { name: "board"; eventId: string }
  | { name: "lottery"; eventId: string }
  | { name: "order"; orderId: string }
  | { name: "resale_purchase"; purchaseId: string }
  | { name: "admin" }
  | { name: "admin_event"; eventId: string }
  | { name: "admin_fairness"; eventId: string }
  | { name: "admin_checkin" }
  | { name: "bench" }
  | { name: "account"; page: AccountPage }
  | { name: "not_found"; pathname: string };

/** The fan account's pages under /account (optional accounts: guest checkout needs none of them). */
export type AccountPage = "tickets" | "signin" | "signup" | "verify" | "reset";

type Params = Readonly<Record<string, string>>;

function param(params: Params, name: string): string {
  const value = params[name];
  assert(value !== undefined, `route pattern has no :${name}`);
  return value;
}

const routeTable: ReadonlyArray<readonly [pattern: string, build: (params: Params) => Route]> = [
  ["/", () => ({ name: "home" })],
  ["/events/:eventId", (p) => ({ name: "event", eventId: param(p, "eventId") })],
  ["/events/:eventId/board", (p) => ({ name: "board", eventId: param(p, "eventId") })],
  ["/events/:eventId/lottery", (p) => ({ name: "lottery", eventId: param(p, "eventId") })],
  ["/orders/:orderId", (p) => ({ name: "order", orderId: param(p, "orderId") })],
  ["/resale/purchases/:purchaseId", (p) => ({ name: "resale_purchase", purchaseId: param(p, "purchaseId") })],
  ["/admin", () => ({ name: "admin" })],
  ["/admin/checkin", () => ({ name: "admin_checkin" })],
  ["/admin/events/:eventId", (p) => ({ name: "admin_event", eventId: param(p, "eventId") })],
  ["/admin/events/:eventId/fairness", (p) => ({ name: "admin_fairness", eventId: param(p, "eventId") })],
  ["/bench", () => ({ name: "bench" })],
  ["/account", () => ({ name: "account", page: "tickets" })],
  ["/account/signin", () => ({ name: "account", page: "signin" })],
  ["/account/signup", () => ({ name: "account", page: "signup" })],
  ["/account/verify", () => ({ name: "account", page: "verify" })],
  ["/account/reset", () => ({ name: "account", page: "reset" })],
];

/** Admin pages: signed-in only, laid out wide (the check-in page stays phone-sized). */
export function isAdminRoute(route: Route): boolean {
  return (
    route.name === "admin" ||
    route.name === "admin_event" ||
    route.name === "admin_fairness" ||
    route.name === "admin_checkin"
  );
}

/** Served by the server (API, payment pages, probes): links there load for real. */
export const serverPathPrefixes = ["/api/", "/mockpay/", "/socket.io/", "/healthz", "/readyz", "/metrics"] as const;

export function isServerPath(pathname: string): boolean {
  return serverPathPrefixes.some((prefix) => pathname === prefix.replace(/\/$/, "") || pathname.startsWith(prefix));
}

function segments(pathname: string): string[] {
  return pathname.split("/").filter((s) => s !== "");
}

/** `/events/:id` against `/events/abc` → `{id: "abc"}`; null when it doesn't match. */
export function matchPattern(pattern: string, pathname: string): Params | null {
  const want = segments(pattern);
  const have = segments(pathname);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const h = have[i] ?? "";
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return null; // malformed %-escape: no route has that value
      }
    } else if (w !== h) {
      return null;
    }
  }
  return params;
}

export function matchRoute(pathname: string): Route {
  for (const [pattern, build] of routeTable) {
    const params = matchPattern(pattern, pathname);
    if (params !== null) return build(params);
  }
  return { name: "not_found", pathname };
}
