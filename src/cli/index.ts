#!/usr/bin/env node
import { processIO } from "./io"
import { runCli } from "./run"

runCli(process.argv.slice(2), processIO).then((code) => {
  process.exitCode = code
  // Everything is closed by now; if a stray handle still holds the event loop, do not hang.
  setTimeout(() => process.exit(code), 2000).unref()
})
