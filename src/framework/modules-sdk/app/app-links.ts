import { existsSync, readdirSync } from "node:fs"
import path from "node:path"
import { ensureTypeScriptLoader } from "../../http/typescript-loader"
import type { LinkDefinition } from "../links"
import { MedusaError } from "../medusa-error"
import { samePath } from "./package-root"

function isLinkDefinition(value: unknown): value is LinkDefinition {
  const v = value as LinkDefinition | undefined
  return !!v && Array.isArray(v.sides) && v.sides.length === 2 && typeof v.tableName === "string"
}

/**
 * The links an app declares in `<directory>/src/links/*.ts|js` (each file's default export is a
 * `defineLink(...)`), as Medusa loads them. An app that is the host package itself has no links
 * of its own beyond the built-in ones.
 */
export function readAppLinks(directory: string, hostPackageRoot: string): LinkDefinition[] {
  const folder = path.join(directory, "src", "links")
  if (!existsSync(folder) || samePath(directory, hostPackageRoot)) return []
  const names = readdirSync(folder).filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith(".d.ts") && !/^index\./.test(name))
  // Compiled output beside its source (x.js next to x.ts) is what runs.
  const files = names.filter((name) => !(name.endsWith(".ts") && names.includes(name.replace(/\.ts$/, ".js"))))
  return files.sort().map((name) => {
    const file = path.join(folder, name)
    if (file.endsWith(".ts")) ensureTypeScriptLoader(file)
    const loaded = require(file)
    const definition = loaded?.default ?? loaded
    if (!isLinkDefinition(definition)) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `${file} must export default defineLink(…)`)
    }
    return definition
  })
}
