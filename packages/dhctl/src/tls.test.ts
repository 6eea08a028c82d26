import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  dhctlChannel,
  DhctlTlsConfigError,
  dhctlTlsSettingsFromEnv,
  loadDhctlTls,
  parseDhctlAddress,
} from './tls.js';

describe('parseDhctlAddress', () => {
  it.each([
    ['grpcs://dhctl.example:9090', true, 'grpcs', 'dhctl.example:9090', 'dhctl.example', false],
    ['tls://10.0.0.5:9090', true, 'tls', '10.0.0.5:9090', '10.0.0.5', false],
    ['grpc://dhctl:9090', false, 'grpc', 'dhctl:9090', 'dhctl', false],
    ['tcp://127.0.0.1:9090', false, 'tcp', '127.0.0.1:9090', '127.0.0.1', true],
    ['GRPCS://Host:1/', true, 'grpcs', 'Host:1', 'Host', false],
    ['localhost:9090', false, null, 'localhost:9090', 'localhost', true],
    ['[::1]:9090', false, null, '[::1]:9090', '::1', true],
    ['tls://[2001:db8::1]:9090', true, 'tls', '[2001:db8::1]:9090', '2001:db8::1', false],
    ['dhctl-1-69:9090', false, null, 'dhctl-1-69:9090', 'dhctl-1-69', false],
  ] as const)('%s', (address, tls, scheme, target, host, isLocal) => {
    expect(parseDhctlAddress(address)).toEqual({ address, tls, scheme, target, host, isLocal });
  });

  it('uses the default only for addresses without a scheme', () => {
    expect(parseDhctlAddress('dhctl:9090', true).tls).toBe(true);
    expect(parseDhctlAddress('grpc://dhctl:9090', true).tls).toBe(false);
    expect(parseDhctlAddress('grpcs://dhctl:9090', false).tls).toBe(true);
  });

  it('keeps unix sockets as they are (local, plaintext, even with TLS on)', () => {
    expect(parseDhctlAddress('unix:///run/dhctl.sock', true)).toMatchObject({
      target: 'unix:///run/dhctl.sock',
      tls: false,
      scheme: 'unix',
      host: null,
      isLocal: true,
    });
    expect(parseDhctlAddress('unix:dhctl.sock').target).toBe('unix:dhctl.sock');
  });

  it('refuses unknown schemes, paths and empty addresses', () => {
    expect(() => parseDhctlAddress('https://dhctl:9090')).toThrow(/unknown scheme https:\/\//);
    expect(() => parseDhctlAddress('grpcs://')).toThrow(DhctlTlsConfigError);
    expect(() => parseDhctlAddress('grpc://dhctl:9090/path')).toThrow(/expected host:port/);
    expect(() => parseDhctlAddress('  ')).toThrow(/empty/);
  });
});

describe('dhctlTlsSettingsFromEnv', () => {
  it('reads the variables (empty = unset)', () => {
    expect(dhctlTlsSettingsFromEnv({})).toEqual({
      enabled: false,
      caFile: null,
      certFile: null,
      keyFile: null,
      serverName: null,
    });
    expect(
      dhctlTlsSettingsFromEnv({
        DHCTL_TLS: 'TRUE',
        DHCTL_TLS_CA_FILE: '/ca.pem',
        DHCTL_TLS_CERT_FILE: '/c.pem',
        DHCTL_TLS_KEY_FILE: '/k.pem',
        DHCTL_TLS_SERVER_NAME: 'dhctl.internal',
      }),
    ).toEqual({
      enabled: true,
      caFile: '/ca.pem',
      certFile: '/c.pem',
      keyFile: '/k.pem',
      serverName: 'dhctl.internal',
    });
    expect(dhctlTlsSettingsFromEnv({ DHCTL_TLS: 'false', DHCTL_TLS_CA_FILE: '' }).caFile).toBe(
      null,
    );
  });

  it('refuses a DHCTL_TLS that is not a boolean, and a certificate without its key', () => {
    expect(() => dhctlTlsSettingsFromEnv({ DHCTL_TLS: 'maybe' })).toThrow(
      /DHCTL_TLS must be true or false/,
    );
    expect(() => dhctlTlsSettingsFromEnv({ DHCTL_TLS_CERT_FILE: '/c.pem' })).toThrow(/go together/);
  });
});

describe('loadDhctlTls', () => {
  let dir: string;
  const settings = { enabled: true, caFile: null, certFile: null, keyFile: null, serverName: null };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dhctl-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=client',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=other',
        '-keyout',
        path.join(dir, 'other-key.pem'),
        '-out',
        path.join(dir, 'other-cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(path.join(dir, 'garbage.pem'), 'not a certificate');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a CA and a matching client certificate and key', () => {
    const material = loadDhctlTls({
      ...settings,
      caFile: path.join(dir, 'cert.pem'),
      certFile: path.join(dir, 'cert.pem'),
      keyFile: path.join(dir, 'key.pem'),
      serverName: 'dhctl.internal',
    });
    expect(material.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(material.key?.toString()).toContain('PRIVATE KEY');
    const channel = dhctlChannel('dhctl:9090', material);
    expect(channel.address.tls).toBe(true);
    expect(channel.credentials._isSecure()).toBe(true);
    expect(channel.channelOptions).toEqual({
      'grpc.ssl_target_name_override': 'dhctl.internal',
      'grpc.default_authority': 'dhctl.internal',
    });
    expect(dhctlChannel('grpc://dhctl:9090', material).credentials._isSecure()).toBe(false);
  });

  it('names the variable and the file it cannot read', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(() => loadDhctlTls({ ...settings, caFile: missing })).toThrow(
      new RegExp(`DHCTL_TLS_CA_FILE: cannot read ${missing} \\(ENOENT`),
    );
    expect(() =>
      loadDhctlTls({ ...settings, certFile: dir, keyFile: path.join(dir, 'key.pem') }),
    ).toThrow(/DHCTL_TLS_CERT_FILE: cannot read .* \(EISDIR/);
    expect(() =>
      loadDhctlTls({ ...settings, certFile: path.join(dir, 'cert.pem'), keyFile: missing }),
    ).toThrow(/DHCTL_TLS_KEY_FILE: cannot read/);
  });

  it('refuses files that are not PEM, a key that does not match, and a lone certificate', () => {
    expect(() => loadDhctlTls({ ...settings, caFile: path.join(dir, 'garbage.pem') })).toThrow(
      /DHCTL_TLS_CA_FILE: .* is not a PEM file/,
    );
    expect(() =>
      loadDhctlTls({
        ...settings,
        certFile: path.join(dir, 'cert.pem'),
        keyFile: path.join(dir, 'other-key.pem'),
      }),
    ).toThrow(/dhctl TLS files are invalid .*DHCTL_TLS_KEY_FILE=/);
    expect(() => loadDhctlTls({ ...settings, certFile: path.join(dir, 'cert.pem') })).toThrow(
      /go together/,
    );
  });
});
