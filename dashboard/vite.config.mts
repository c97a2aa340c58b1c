import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"

/**
 * The admin dashboard's build: `vite build --config dashboard/vite.config.mts` writes
 * dist/dashboard (index.html and hashed assets/), which the server serves at /app. JSX goes
 * through Vite's own oxc transform (React's automatic runtime), so no React plugin is needed.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/app/",
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    // One small app: no chunk-size warnings for React itself.
    chunkSizeWarningLimit: 1024,
  },
  // Everything the page loads comes from the server: no CDN, no remote fonts.
  server: { port: 5173, proxy: { "/admin": "http://localhost:9000" } },
})
