// Client unit tests: state classes (*.svelte.ts) with injected I/O, run with the svelte plugin.
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineProject } from "vitest/config";

export default defineProject({
  plugins: [svelte()],
  resolve: { conditions: ["browser"] },
  test: {
    name: "client",
    root: import.meta.dirname,
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
