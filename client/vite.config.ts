import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

// The dev server proxies the API and Socket.IO to a running Stampede server.
const target = "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // The bundler's "which plugin took how long" report is for profiling the build, not for every build.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    proxy: {
      "/api": target,
      "/mockpay": target,
      "/socket.io": { target, ws: true },
    },
  },
});
