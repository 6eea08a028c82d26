import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      grpcPort: 9090,
      httpPort: 9091,
      phaseDelayMs: 400,
      stateFile: null,
      version: 'dhctl-sim',
      parallelTasksLimit: 64,
      agents: true,
      tunnels: true,
      agentPollMs: 10_000,
      agentTelemetryMs: 15_000,
      commanderUrl: null,
      supervisorPid: undefined,
      tls: null,
      debugConfigLogs: false,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        DHCTL_SIM_HOST: '0.0.0.0',
        DHCTL_SIM_GRPC_PORT: '0',
        DHCTL_SIM_HTTP_PORT: '19091',
        DHCTL_SIM_PHASE_DELAY_MS: '0',
        DHCTL_SIM_STATE_FILE: '/var/lib/dhctl-sim/state.json',
        DHCTL_SIM_VERSION: '1.69.3',
        DHCTL_SIM_PARALLEL_TASKS_LIMIT: '10',
        DHCTL_SIM_AGENTS: 'off',
        DHCTL_SIM_TUNNELS: 'off',
        DHCTL_SIM_AGENT_POLL_MS: '2000',
        DHCTL_SIM_TELEMETRY_MS: '3000',
        DHCTL_SIM_COMMANDER_URL: 'http://api:8080',
        DHCTL_SIM_TLS_CERT_FILE: '/tls/server.pem',
        DHCTL_SIM_TLS_KEY_FILE: '/tls/server.key',
        DHCTL_SIM_TLS_CLIENT_CA_FILE: '/tls/ca.pem',
        DHCTL_SIM_DEBUG_CONFIG_LOGS: 'true',
      }),
    ).toEqual({
      host: '0.0.0.0',
      grpcPort: 0,
      httpPort: 19091,
      phaseDelayMs: 0,
      stateFile: '/var/lib/dhctl-sim/state.json',
      version: '1.69.3',
      parallelTasksLimit: 10,
      agents: false,
      tunnels: false,
      agentPollMs: 2000,
      agentTelemetryMs: 3000,
      commanderUrl: 'http://api:8080',
      supervisorPid: undefined,
      tls: { certFile: '/tls/server.pem', keyFile: '/tls/server.key', clientCaFile: '/tls/ca.pem' },
      debugConfigLogs: true,
    });
  });

  it('fails with a readable message on invalid values', () => {
    expect(() =>
      loadConfig({ DHCTL_SIM_GRPC_PORT: 'ninety', DHCTL_SIM_PHASE_DELAY_MS: '-1' }),
    ).toThrow(
      /invalid dhctl-sim configuration:[\s\S]*DHCTL_SIM_GRPC_PORT[\s\S]*DHCTL_SIM_PHASE_DELAY_MS/,
    );
    expect(() =>
      loadConfig({ DHCTL_SIM_AGENTS: 'maybe', DHCTL_SIM_COMMANDER_URL: 'ftp://x' }),
    ).toThrow(/DHCTL_SIM_AGENTS[\s\S]*DHCTL_SIM_COMMANDER_URL/);
    expect(() => loadConfig({ DHCTL_SIM_TLS_CERT_FILE: '/tls/server.pem' })).toThrow(
      /DHCTL_SIM_TLS_CERT_FILE and DHCTL_SIM_TLS_KEY_FILE go together/,
    );
    expect(() => loadConfig({ DHCTL_SIM_TLS_CLIENT_CA_FILE: '/tls/ca.pem' })).toThrow(
      /needs DHCTL_SIM_TLS_CERT_FILE/,
    );
  });
});
