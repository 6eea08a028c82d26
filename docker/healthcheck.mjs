// The image's HEALTHCHECK: GET HEALTHCHECK_URL (default the API's /healthz on PORT) and exit 0
// on a 2xx answer. The manager and the simulator set HEALTHCHECK_URL to their own /healthz.
const url = process.env.HEALTHCHECK_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
