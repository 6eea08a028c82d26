import { createDb } from '@commander/db';
import { stopWhenSupervisorDies } from '@commander/process';
import closeWithGrace from 'close-with-grace';

import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { prepareRuntime } from './runtime.js';
import { certificateHosts, ensureTlsMaterial, kubeconfigServer, serveTls } from './tls.js';

const config = loadConfig();
const db = createDb(config.databaseUrl, {
  poolSize: 20,
  applicationName: 'commander-api',
  onConnectionError: (err) =>
    process.stderr.write(`database connection lost (${err.message}); reconnecting on demand\n`),
});
const print = (text: string) => process.stderr.write(`${text}\n`);
const runtime = await prepareRuntime(config, db, print);
const tlsMaterial = config.tls
  ? await ensureTlsMaterial(
      config.tls.certFile,
      config.tls.keyFile,
      certificateHosts(config.publicUrl),
    )
  : null;
if (tlsMaterial?.generated) {
  print(`Generated a self-signed TLS certificate: ${config.tls!.certFile}`);
}
const app = await buildApp(config, {
  db,
  encryptor: runtime.encryptor,
  instance: runtime.instance,
  kubeconfigEndpoint: kubeconfigServer(config, tlsMaterial?.cert ?? null),
});

stopWhenSupervisorDies(config.supervisorPid, () => process.kill(process.pid, 'SIGTERM'));

let tlsServer: Awaited<ReturnType<typeof serveTls>> | null = null;
closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) {
    app.log.error({ err }, 'shutting down after an error');
  }
  tlsServer?.close();
  await app.close();
  await db.$disconnect();
});

await app.listen({ host: config.host, port: config.port });
// The port actually bound (PORT=0 picks a free one: tests read this line instead of guessing a
// free port that another process could take before the listen).
const bound = app.server.address();
if (bound && typeof bound === 'object') {
  print(`Listening on port ${bound.port}`);
}
if (config.tls && tlsMaterial) {
  tlsServer = await serveTls(app, tlsMaterial, config.host, config.tls.port);
  print(`HTTPS (kubectl) on port ${config.tls.port}`);
}
const admin = runtime.bootstrap.createdAdmin;
if (admin) {
  print(
    `First administrator created: ${admin.email} / ${admin.generated ? admin.password : '(the password from COMMANDER_ADMIN_PASSWORD)'}`,
  );
}
