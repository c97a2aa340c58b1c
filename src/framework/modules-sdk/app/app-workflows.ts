import { existsSync, readdirSync } from "node:fs"
import path from "node:path"
import { ensureTypeScriptLoader } from "../../http/typescript-loader"
import { MedusaError } from "../medusa-error"
import { samePath } from "./package-root"

const SKIPPED_FOLDERS = new Set(["node_modules", "__tests__", "__mocks__", "__fixtures__"])

function isWorkflowFile(name: string): boolean {
  return /\.(js|ts)$/.test(name) && !name.endsWith(".d.ts") && !/\.(spec|test)\.(js|ts)$/.test(name)
}

function findFiles(folder: string): string[] {
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
  const names = entries.filter((e) => e.isFile() && isWorkflowFile(e.name)).map((e) => e.name)
  // Compiled output beside its source (x.js next to x.ts) is what runs.
  const files = names.filter((name) => !(name.endsWith(".ts") && names.includes(name.replace(/\.ts$/, ".js"))))
  const found = files.map((name) => path.join(folder, name))
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith(".") && !SKIPPED_FOLDERS.has(entry.name)) {
      found.push(...findFiles(path.join(folder, entry.name)))
    }
  }
  return found
}

/**
 * Loads every file under `<directory>/src/workflows` (tests excepted), as Medusa's workflow loader
 * does at start. Loading is what registers an app's hook handlers: a file such as
 * `src/workflows/hooks/api-keys-created.ts` calls `createApiKeysWorkflow.hooks.apiKeysCreated(…)`
 * when it is first required. The host package itself has no app workflows. Returns the files.
 */
export function loadAppWorkflows(directory: string, hostPackageRoot: string): string[] {
  const folder = path.join(directory, "src", "workflows")
  if (!existsSync(folder) || samePath(directory, hostPackageRoot)) return []
  const files = findFiles(folder)
  for (const file of files) {
    if (file.endsWith(".ts")) ensureTypeScriptLoader(file)
    try {
      require(file)
    } catch (error) {
      if (MedusaError.isMedusaError(error)) throw error
      const reason = error instanceof Error ? error.message : String(error)
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `Could not load workflow file ${file}: ${reason}`)
    }
  }
  return files
}
