// The project's own app: what `npm start` and the CLI (npm run cli -- …) load.
// Without DATABASE_URL they start an embedded PostgreSQL under .data/ (see README).
module.exports = {
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
  },
  modules: {
    apiKey: { resolve: "@medusajs/api-key" },
    salesChannel: { resolve: "@medusajs/sales-channel" },
  },
}
