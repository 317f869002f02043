import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Convex functions run in a V8 isolate without Node's globals; edge-runtime is the closest
    // stand-in (convex-test's documented setup).
    environment: "edge-runtime",
    server: { deps: { inline: ["convex-test"] } },
    include: ["convex/**/*.test.ts", "standin/**/*.test.ts"],
  },
});
