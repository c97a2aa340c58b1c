export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as any).__TEST_POSTGRES__
  await server?.stop()
}
