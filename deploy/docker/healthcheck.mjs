/* global AbortSignal */
// Container health check without curl: GET http://127.0.0.1:<port><path> (default /healthz), exit 0
// on a 2xx answer, 1 otherwise. The port is PORT, or the service's default port (SPEC 7).
// Usage: node /app/healthcheck.mjs [/readyz]
const DEFAULT_PORTS = { gateway: 3000, membership: 3001, history: 3002 };
const port = process.env.PORT || DEFAULT_PORTS[process.env.SERVICE ?? ''];
const path = process.argv[2] ?? '/healthz';
if (!port) {
  process.stderr.write('healthcheck: set PORT or SERVICE=gateway|membership|history\n');
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) });
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`healthcheck: ${path} on :${port} failed: ${err.message}\n`);
  process.exit(1);
}
