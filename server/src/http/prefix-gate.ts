// Routers reached only by the paths their routes can match.
import type { RequestHandler, Router } from "express";

interface RouteLayer {
  route?: { path?: unknown };
}

/** The literal start of every route's path (up to its first parameter), or null when the router has middleware of its own. */
function literalPrefixes(router: Router): string[] | null {
  const prefixes: string[] = [];
  for (const layer of router.stack as RouteLayer[]) {
    const path = layer.route?.path;
    if (typeof path !== "string") return null;
    const cut = path.search(/[:*{(]/);
    prefixes.push((cut < 0 ? path : path.slice(0, cut)).toLowerCase());
  }
  return prefixes;
}

/**
 * Express tries every route of every router mounted before the one that answers a request: a
 * hold walked twenty-odd routes of other routers first (router and path-to-regexp: 9 % of the
 * server's CPU while a crowd was being refused). Behind this gate a router is entered only when the path can match one
 * of its routes. The prefixes are read from the router on first use (its routes are defined by
 * then); a router with middleware of its own (`router.use`) is always entered. Paths compare
 * without case, as Express's routes do.
 */
export function prefixGate(router: Router): RequestHandler {
  let prefixes: string[] | null | undefined;
  return (req, res, next) => {
    prefixes ??= literalPrefixes(router);
    if (prefixes) {
      const path = req.path.toLowerCase();
      if (!prefixes.some((p) => path.startsWith(p))) return next();
    }
    router(req, res, next);
  };
}
