// Lint: typescript-eslint's recommended rules for all TypeScript, svelte's for the client, and
// functions of at most 70 lines in production code (CONTRIBUTING.md's Style).
import js from "@eslint/js";
import globals from "globals";
import svelte from "eslint-plugin-svelte";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "bench/results/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs["flat/recommended"],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/ban-ts-comment": "error",
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: [".svelte"] } },
  },
  {
    // Split by structure into functions of one concern each — never by joining lines. A component's
    // script block counts like a module (its functions, and the handlers in its markup).
    files: ["**/*.ts", "**/*.svelte"],
    ignores: [
      // Tests: a describe's or an it's callback is as long as the cases it holds.
      "**/*.test.ts",
      // The test folders: harnesses, the chaos run and the ledger conformance suite (its cases are
      // `it`s in describe-style functions, shared by the tests of both ledger adapters).
      "shared/test/**",
      "server/test/**",
      "client/test/**",
    ],
    rules: { "max-lines-per-function": ["error", { max: 70, skipBlankLines: true, skipComments: true }] },
  },
);
