import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests against the whole system, started the way a user starts it (`scripts/start.ts`)
 * with its own data directory and ports, in Debian's Chromium. See e2e/README.md.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const port = Number(process.env.E2E_PORT ?? 8095);
const simGrpcPort = Number(process.env.E2E_SIM_GRPC_PORT ?? 9195);
const simHttpPort = Number(process.env.E2E_SIM_HTTP_PORT ?? 9196);
const dataDir = path.resolve(root, process.env.E2E_DATA_DIR ?? '.data/e2e');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const E2E = {
  baseURL: `http://127.0.0.1:${port}`,
  simURL: `http://127.0.0.1:${simHttpPort}`,
  adminEmail: 'admin@e2e.test',
  adminPassword: 'e2e-admin-password',
  bootstrapToken: 'e2e-bootstrap-token-0123456789abcdef',
};

/** The OpenID provider e2e/oidc-setup.ts starts for the single sign-on spec. */
export const OIDC = {
  // Next to the system's own port, so parallel runs with their own E2E_PORT do not collide.
  port: Number(process.env.E2E_OIDC_PORT ?? port + 10_000),
  providerId: 'e2e-idp',
  providerName: 'E2E IdP',
  clientId: 'commander-e2e',
  clientSecret: 'commander-e2e-secret-0123456789abcdef',
  /** The account that signs in, and the IdP group that grants it a workspace role. */
  user: 'sso-operator',
  group: 'sso-operators',
};

export default defineConfig({
  testDir: './specs',
  globalSetup: './oidc-setup.ts',
  outputDir: './test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: E2E.baseURL,
    trace: 'retain-on-failure',
    video: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: existsSync(chromium) ? chromium : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    // A fresh system for every run: its data directory is wiped first.
    command: `rm -rf "${dataDir}" && node_modules/.bin/tsx scripts/start.ts`,
    cwd: root,
    url: `${E2E.baseURL}/readyz`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: process.env.E2E_SERVER_LOGS ? 'pipe' : 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    env: {
      // Always the embedded PostgreSQL: the fresh-machine path, isolated from any DATABASE_URL.
      DATABASE_URL: '',
      COMMANDER_DATA_DIR: dataDir,
      PORT: String(port),
      // The HTTPS port for kubectl, away from the other ports so parallel runs do not collide.
      COMMANDER_TLS_PORT: process.env.E2E_TLS_PORT ?? String(port + 20_000),
      HOST: '127.0.0.1',
      COMMANDER_PUBLIC_URL: E2E.baseURL,
      EMBEDDED_PG_PORT: String(Number(process.env.E2E_PG_PORT ?? 54395)),
      DHCTL_SIM_GRPC_PORT: String(simGrpcPort),
      DHCTL_SIM_HTTP_PORT: String(simHttpPort),
      DHCTL_SIM_PHASE_DELAY_MS: '150',
      // Simulated agents report every couple of seconds, so telemetry and resource results
      // show up within a spec's patience (defaults: 10 s and 15 s).
      DHCTL_SIM_AGENT_POLL_MS: process.env.E2E_SIM_AGENT_POLL_MS ?? '2000',
      DHCTL_SIM_TELEMETRY_MS: process.env.E2E_SIM_TELEMETRY_MS ?? '2000',
      COMMANDER_ADMIN_EMAIL: E2E.adminEmail,
      COMMANDER_ADMIN_PASSWORD: E2E.adminPassword,
      COMMANDER_BOOTSTRAP_TOKEN: E2E.bootstrapToken,
      OIDC_ISSUER_URL: `http://127.0.0.1:${OIDC.port}`,
      OIDC_CLIENT_ID: OIDC.clientId,
      OIDC_CLIENT_SECRET: OIDC.clientSecret,
      OIDC_PROVIDER_ID: OIDC.providerId,
      OIDC_PROVIDER_NAME: OIDC.providerName,
      // The webhooks spec's receiver listens on 127.0.0.1 (the SSRF guard refuses it otherwise).
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      MANAGER_REPLICAS: '2',
      MANAGER_HEARTBEAT_MS: '1000',
      MANAGER_DEAD_AFTER_MS: '5000',
      LOG_LEVEL: 'warn',
    },
  },
});
