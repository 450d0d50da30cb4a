// OpenAPI document and a rendered API reference (Swagger UI served from the installed package,
// so it works offline and under a strict Content-Security-Policy).
import express, { Router } from "express";
import swaggerUi from "swagger-ui-dist";

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stampede API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

const init = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });`;

export function docsRouter(document: () => unknown): Router {
  const router = Router();
  let cached: unknown;
  router.get("/api/openapi.json", (_req, res) => {
    cached ??= document();
    res.json(cached);
  });
  router.get("/api/docs", (_req, res) => {
    res.type("html").send(page);
  });
  router.get("/api/docs/init.js", (_req, res) => {
    res.type("application/javascript").send(init);
  });
  router.use("/api/docs/assets", express.static(swaggerUi.getAbsoluteFSPath(), { index: false }));
  return router;
}
