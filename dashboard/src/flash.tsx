import { createContext, useContext, useEffect, useState, type ReactNode } from "react"
import { useRouter } from "./router"

/**
 * A message for the next page ("Deleted “CI”."): set it, then navigate; it shows on the page
 * that opens and goes away when the user moves on.
 */
interface Flash {
  message: string
  /** The page it belongs to: the first one shown after it was set. */
  path?: string
}

const FlashContext = createContext<{ flash: Flash | undefined; show(message: string): void } | undefined>(undefined)

export function FlashProvider({ children }: { children: ReactNode }) {
  const { location } = useRouter()
  const [flash, setFlash] = useState<Flash | undefined>(undefined)
  useEffect(() => {
    setFlash((current) => (!current ? current : current.path === undefined ? { ...current, path: location.path } : current.path === location.path ? current : undefined))
  }, [location.path])
  return <FlashContext.Provider value={{ flash, show: (message) => setFlash({ message }) }}>{children}</FlashContext.Provider>
}

export function useFlash(): (message: string) => void {
  const context = useContext(FlashContext)
  if (!context) throw new Error("useFlash needs a FlashProvider")
  return context.show
}

export function FlashMessage() {
  const context = useContext(FlashContext)
  return (
    <p role="status" className={context?.flash ? "notice" : "visually-hidden"}>
      {context?.flash?.message ?? ""}
    </p>
  )
}
