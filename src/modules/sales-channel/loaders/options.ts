import { invalid, isPlainObject } from "../../../framework/modules-sdk/errors"
import type { ModuleLoaderArgs } from "../../../framework/modules-sdk/module"
import { assertKnownOptionKeys } from "../../../framework/modules-sdk/options"

/** Checks the module options once at load time, so a mistake fails at start-up, not on first use. */
export function optionsLoader({ options }: ModuleLoaderArgs): void {
  if (options !== undefined && !isPlainObject(options)) {
    throw invalid("The sales channel module options must be an object such as { database: { clientUrl } }")
  }
  assertKnownOptionKeys(options, ["database"], "")
}
