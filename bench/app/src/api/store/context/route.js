// A store route answering from what the publishable key guard put on the request, with no
// database work of its own: the benchmark sees what the guard costs per request.
//
// `@medusajs/api-key` is this package itself (Node resolves a package's own name through its
// "exports"), so this is the same module instance the server runs.
const { salesChannelIdsInScope } = require("@medusajs/api-key")

exports.GET = async function GET(req, res) {
  // Throws "Requested sales channel is not part of the publishable key" (400) for a
  // ?sales_channel_id= the key does not grant: how the propagation benchmark sees a removed link.
  res.json({ sales_channel_ids: salesChannelIdsInScope(req) })
}
