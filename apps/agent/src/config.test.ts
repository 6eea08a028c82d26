import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the credentials Secret and the server intervals', () => {
    expect(loadConfig({})).toEqual({
      credentials: null,
      caFile: null,
      kubeconfig: null,
      isInCluster: false,
      namespace: 'd8-commander-agent',
      credentialsSecret: 'commander-agent-credentials',
      pollIntervalMs: null,
      telemetryIntervalMs: null,
      statusRefreshMs: 300_000,
      requestTimeoutMs: 15_000,
      backoffMaxMs: 300_000,
      tunnel: true,
      proxy: null,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        COMMANDER_URL:
          'https://commander.example.com/agent_api/7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a',
        AGENT_TOKEN: 'secret',
        COMMANDER_CA_FILE: '/etc/commander/ca.crt',
        KUBECONFIG: '/home/me/.kube/config',
        KUBERNETES_SERVICE_HOST: '10.222.0.1',
        AGENT_NAMESPACE: 'agent',
        AGENT_CREDENTIALS_SECRET: 'creds',
        AGENT_POLL_INTERVAL_SECONDS: '10',
        AGENT_TELEMETRY_INTERVAL_SECONDS: '20',
        AGENT_STATUS_REFRESH_SECONDS: '60',
        AGENT_REQUEST_TIMEOUT_SECONDS: '5',
        AGENT_BACKOFF_MAX_SECONDS: '30',
        AGENT_TUNNEL: 'off',
        HTTPS_PROXY: 'http://proxy.example.com:3128',
        LOG_LEVEL: 'debug',
      }),
    ).toEqual({
      credentials: {
        commanderUrl:
          'https://commander.example.com/agent_api/7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a',
        token: 'secret',
      },
      caFile: '/etc/commander/ca.crt',
      kubeconfig: '/home/me/.kube/config',
      isInCluster: true,
      namespace: 'agent',
      credentialsSecret: 'creds',
      pollIntervalMs: 10_000,
      telemetryIntervalMs: 20_000,
      statusRefreshMs: 60_000,
      requestTimeoutMs: 5000,
      backoffMaxMs: 30_000,
      tunnel: false,
      proxy: 'http://proxy.example.com:3128',
      logLevel: 'debug',
    });
  });

  it('fails readably on half-set credentials and bad values', () => {
    expect(() => loadConfig({ AGENT_TOKEN: 'x' })).toThrow(
      /set both COMMANDER_URL and AGENT_TOKEN/,
    );
    expect(() =>
      loadConfig({ COMMANDER_URL: 'ftp://x', AGENT_TOKEN: 'x', AGENT_POLL_INTERVAL_SECONDS: '0' }),
    ).toThrow(
      /COMMANDER_URL[\s\S]*AGENT_POLL_INTERVAL_SECONDS|AGENT_POLL_INTERVAL_SECONDS[\s\S]*COMMANDER_URL/,
    );
  });
});
