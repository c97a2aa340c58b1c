// The project's own app: what `npm start` and the CLI (npm run cli -- …) load.
// Without DATABASE_URL they start an embedded PostgreSQL under .data/ (see README).
module.exports = {
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    // Redis for an app on several servers: when set, events go through the Redis event bus
    // (each subscriber runs once per event across all servers). Unset: the local event bus.
    redisUrl: process.env.REDIS_URL,
    // Origins allowed to call /store and /admin from a browser (comma-separated; /regex/ allowed).
    // Unset: a local storefront on :8000 and the dashboard on :5173 / :9000.
    http: { storeCors: process.env.STORE_CORS, adminCors: process.env.ADMIN_CORS },
  },
  modules: {
    apiKey: { resolve: "@medusajs/api-key" },
    salesChannel: { resolve: "@medusajs/sales-channel" },
  },
}
