import { readFileSync } from "node:fs"
import { MedusaError } from "../modules-sdk/medusa-error"

type CompilingModule = NodeJS.Module & { _compile(code: string, filename: string): void }

interface SwcLike {
  transformSync(code: string, options: Record<string, unknown>): { code: string }
}

function loadSwc(): SwcLike | null {
  try {
    return require("@swc/core") as SwcLike
  } catch {
    return null
  }
}

/**
 * Makes `require("…/route.ts")` work at run time, so an app's TypeScript files (routes, links,
 * workflows and their hooks) load as Medusa loads them in development. It transpiles with
 * @swc/core (types are stripped, nothing is type-checked) when that package is installed; without
 * it, only compiled `.js` files load and a `.ts` one fails with an error saying so. An existing `.ts` loader (ts-node, @swc-node,
 * tsx) is left alone. Under jest `require.extensions` is an empty stand-in (no ".js" entry) and
 * jest's own transform already compiles `.ts`, so nothing is registered there.
 */
export function ensureTypeScriptLoader(file: string): void {
  const extensions = require.extensions as Record<string, unknown>
  if (extensions[".ts"] || !extensions[".js"]) return
  const swc = loadSwc()
  if (!swc) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `${file} is TypeScript, and no TypeScript loader is available: install @swc/core (npm i -D @swc/core), or compile your app's files to .js`
    )
  }
  extensions[".ts"] = (module: CompilingModule, filename: string) => {
    const { code } = swc.transformSync(readFileSync(filename, "utf8"), {
      filename,
      swcrc: false,
      configFile: false,
      sourceMaps: "inline",
      module: { type: "commonjs" },
      jsc: {
        target: "es2021",
        parser: { syntax: "typescript", decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    })
    module._compile(code, filename)
  }
}
