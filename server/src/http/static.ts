// Serves the built Svelte app and falls back to index.html for client-side routes. API-like
// paths never fall back: they answer JSON 404s.
import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type Router } from "express";
import { sendError } from "./errors.js";

const apiPrefixes = ["/api/", "/mockpay/api/", "/socket.io/"];

export function clientRouter(distDir: string): Router {
  const router = express.Router();
  const indexHtml = join(distDir, "index.html");
  router.use("/assets", express.static(join(distDir, "assets"), { immutable: true, maxAge: "1y", fallthrough: false }));
  router.use(express.static(distDir, { index: false, maxAge: "1h" }));
  router.get(/.*/, (req, res, next) => {
    if (apiPrefixes.some((p) => req.path.startsWith(p)) || req.path === "/api") return next();
    if (!existsSync(indexHtml)) {
      sendError(res, 503, "not_ready", "the web client is not built yet: run `npm run build`");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(indexHtml);
  });
  return router;
}
