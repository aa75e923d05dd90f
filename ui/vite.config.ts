import { defineConfig } from "vitest/config";

// No React plugin: Vite 8 compiles JSX itself (tsconfig "jsx": "react-jsx");
// fast refresh is the only thing we give up, and we never run a dev server in CI.
export default defineConfig({
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    rolldownOptions: {
      // TanStack Query marks its hooks "use client" for React Server
      // Components; a desktop bundle has none, so the directive means nothing.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  test: { include: ["tests/unit/**/*.test.ts"], environment: "node" },
});
