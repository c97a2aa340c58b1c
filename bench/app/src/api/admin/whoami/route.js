// A user route as Medusa apps write them: behind the module's admin (secret key) auth, no
// database work of its own — so the benchmark sees what authentication costs per request.
exports.GET = async function GET(req, res) {
  res.json({ actor_id: req.auth_context.actor_id, actor_type: req.auth_context.actor_type })
}
