// TLS and mTLS of the simulator's gRPC server, with certificates generated for this run
// (openssl, in a temporary directory): the manager's client over TLS works; plaintext and
// clients without a certificate (when one is required) are refused.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  createDhctlClient,
  type Dhctl,
  type DhctlTlsSettings,
  DhctlTransportError,
  loadDhctlTls,
  parseDhctlAddress,
} from '@commander/dhctl';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startDhctlSim } from '../src/index.js';
import { staticBootstrap } from './helpers.js';

let dir: string;
const file = (name: string) => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
}

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate it signed. */
function generateCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost,DNS:dhctl.test,IP:127.0.0.1\n');
  openssl('req', ...ec, '-subj', '/CN=dhctl.test', '-keyout', 'server.key', '-out', 'server.csr');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'server.ext',
    '-out',
    'server.pem',
  );
  openssl(
    'req',
    ...ec,
    '-subj',
    '/CN=commander-manager',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    'client.pem',
  );
  // A client certificate from a CA the server does not trust.
  openssl(
    'req',
    '-x509',
    ...ec,
    '-days',
    '1',
    '-subj',
    '/CN=stranger',
    '-keyout',
    'stranger.key',
    '-out',
    'stranger.pem',
  );
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dhctl-sim-tls-'));
  generateCertificates();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noTls: DhctlTlsSettings = {
  enabled: false,
  caFile: null,
  certFile: null,
  keyFile: null,
  serverName: null,
};

function client(address: string, tls: Partial<DhctlTlsSettings> = {}): Dhctl {
  const dhctl = createDhctlClient(address, {
    tls: loadDhctlTls({ ...noTls, ...tls }),
    unaryDeadlineMs: 5_000,
  });
  cleanups.push(() => dhctl.close());
  return dhctl;
}

async function startTlsSim(withClientCa: boolean) {
  const { readFileSync } = await import('node:fs');
  const sim = await startDhctlSim({
    httpPort: null,
    agents: false,
    tls: {
      cert: readFileSync(file('server.pem')),
      key: readFileSync(file('server.key')),
      clientCa: withClientCa ? readFileSync(file('ca.pem')) : null,
    },
  });
  cleanups.push(() => sim.stop());
  return sim;
}

async function refused(call: Promise<unknown>): Promise<void> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DhctlTransportError);
}

describe('dhctl-sim over TLS', () => {
  it('serves TLS: a client trusting the CA runs operations; plaintext is refused', async () => {
    const sim = await startTlsSim(false);
    expect(sim.grpcAddress).toMatch(/^grpcs:\/\/127\.0\.0\.1:\d+$/);
    const port = sim.grpcAddress.split(':').pop();

    const secure = client(sim.grpcAddress, { caFile: file('ca.pem') });
    expect((await secure.getStatus()).requests_in_progress).toBe('1');
    const outcome = await secure.bootstrap(staticBootstrap('10.77.0.1'));
    expect(outcome.ok).toBe(true);
    // DHCTL_TLS=true makes a bare host:port TLS too; the server name override is checked.
    const bare = client(`127.0.0.1:${port}`, {
      enabled: true,
      caFile: file('ca.pem'),
      serverName: 'dhctl.test',
    });
    await expect(bare.getStatus()).resolves.toBeTruthy();

    await refused(client(`grpc://127.0.0.1:${port}`).getStatus());
    await refused(client(`127.0.0.1:${port}`).getStatus());
    // TLS without the CA: the self-made CA is not among the system's roots.
    await refused(client(sim.grpcAddress).getStatus());
    // A server name the certificate does not carry.
    await refused(
      client(sim.grpcAddress, { caFile: file('ca.pem'), serverName: 'other.test' }).getStatus(),
    );
  });

  it('with a client CA (mTLS) refuses clients without a certificate or with a foreign one', async () => {
    const sim = await startTlsSim(true);
    const mtls = client(sim.grpcAddress, {
      caFile: file('ca.pem'),
      certFile: file('client.pem'),
      keyFile: file('client.key'),
    });
    expect(await mtls.getStatus()).toBeTruthy();
    expect((await mtls.bootstrap(staticBootstrap('10.77.0.2'))).ok).toBe(true);

    await refused(client(sim.grpcAddress, { caFile: file('ca.pem') }).getStatus());
    await refused(
      client(sim.grpcAddress, {
        caFile: file('ca.pem'),
        certFile: file('stranger.pem'),
        keyFile: file('stranger.key'),
      }).getStatus(),
    );
    const port = sim.grpcAddress.split(':').pop();
    await refused(client(`grpc://127.0.0.1:${port}`).getStatus());
  });

  it('the simulator process serves mTLS from DHCTL_SIM_TLS_* and refuses unreadable files', async () => {
    const run = (env: Record<string, string>) => {
      const child: ChildProcess = spawn(
        process.execPath,
        ['--import', 'tsx', 'apps/dhctl-sim/src/main.ts'],
        {
          cwd: path.resolve(import.meta.dirname, '../../..'),
          env: {
            ...process.env,
            COMMANDER_SUPERVISOR_PID: '',
            DHCTL_SIM_GRPC_PORT: '0',
            DHCTL_SIM_HTTP_PORT: '0',
            DHCTL_SIM_AGENTS: 'off',
            DHCTL_SIM_STATE_FILE: '',
            ...env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      cleanups.push(() => {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
        }
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return {
        started: new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no start line:\n${output}`)), 20_000);
          child.stdout?.on('data', () => {
            const match = /gRPC on (\S+),/.exec(output);
            if (match) {
              clearTimeout(timer);
              resolve(match[1]!);
            }
          });
          child.on('exit', () => {
            clearTimeout(timer);
            reject(new Error(`exited:\n${output}`));
          });
        }),
      };
    };

    const address = await run({
      DHCTL_SIM_TLS_CERT_FILE: file('server.pem'),
      DHCTL_SIM_TLS_KEY_FILE: file('server.key'),
      DHCTL_SIM_TLS_CLIENT_CA_FILE: file('ca.pem'),
    }).started;
    expect(parseDhctlAddress(address).tls).toBe(true);
    const mtls = client(address, {
      caFile: file('ca.pem'),
      certFile: file('client.pem'),
      keyFile: file('client.key'),
    });
    expect(await mtls.getStatus()).toBeTruthy();
    await refused(client(address, { caFile: file('ca.pem') }).getStatus());

    await expect(
      run({
        DHCTL_SIM_TLS_CERT_FILE: file('missing.pem'),
        DHCTL_SIM_TLS_KEY_FILE: file('server.key'),
      }).started,
    ).rejects.toThrow(/DHCTL_SIM_TLS_CERT_FILE: cannot read .*missing\.pem/);
  });
});
