import type { MedusaRequest, MedusaResponse } from "../../../framework/http"
import { revokeLeakedApiKeysWorkflow } from "../../../workflows"
import { unverifiedReport, verifiedReport } from "./signature"

/**
 * GitHub's secret scanning partner programme reports leaked tokens here (not in Medusa). The
 * signature guard (signature.ts, mounted by the host before the body parser) has verified the
 * report; each token's answer is GitHub's feedback format with the token hashed — a secret token
 * never leaves the server after its create response — and a label that never depends on whether
 * a key had the token.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const report = verifiedReport(req)
  // Served without the guard in front (an app mounting the built-in routes on its own): refuse.
  if (report === undefined) throw unverifiedReport()
  const { result } = await revokeLeakedApiKeysWorkflow(req.scope).run({
    input: { reports: report as string[] },
    context: { actor: "secret-scanning" },
  })
  res.json(result.map(({ token_hash, token_type, label }) => ({ token_hash, ...(token_type !== undefined ? { token_type } : {}), label })))
}
