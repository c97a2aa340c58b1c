// Outside /admin and /store: no authentication, no guard, no database work. What this route
// serves is the HTTP framework's own ceiling (express, the request scope, the file router).
exports.GET = async function GET(_req, res) {
  res.json({ ok: true })
}
