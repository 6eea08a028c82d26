import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';
import { kubeconfigServer } from './tls.js';

const BASE = { DATABASE_URL: 'postgresql://x@127.0.0.1/db' };

describe('OpenID provider configuration', () => {
  it('reads one provider from OIDC_* with defaults', () => {
    const config = loadConfig({
      ...BASE,
      OIDC_ISSUER_URL: 'https://dex.example.com',
      OIDC_CLIENT_ID: 'commander',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_GROUPS_CLAIM: 'roles',
    });
    expect(config.localLogin).toBe('on');
    expect(config.oidcProviders).toEqual([
      {
        id: 'oidc',
        name: 'SSO',
        issuer: 'https://dex.example.com',
        clientId: 'commander',
        clientSecret: 's3cret',
        scopes: 'openid email profile groups',
        claims: { subject: 'sub', email: 'email', name: 'name', groups: 'roles' },
        linkByEmail: false,
      },
    ]);
  });

  it('reads several from OIDC_PROVIDERS and refuses duplicates, bad ids and scopes without openid', () => {
    const two = JSON.stringify([
      { id: 'corp', name: 'Corp', issuer: 'https://idp.corp', client_id: 'a' },
      { id: 'dex', name: 'Dex', issuer: 'https://dex.corp', client_id: 'b', link_by_email: true },
    ]);
    const config = loadConfig({ ...BASE, OIDC_PROVIDERS: two, COMMANDER_LOCAL_LOGIN: 'off' });
    expect(config.localLogin).toBe('off');
    expect(config.oidcProviders.map((p) => [p.id, p.linkByEmail])).toEqual([
      ['corp', false],
      ['dex', true],
    ]);
    const dup = JSON.stringify([
      { id: 'x', name: 'X', issuer: 'https://a', client_id: 'a' },
      { id: 'x', name: 'Y', issuer: 'https://b', client_id: 'b' },
    ]);
    expect(() => loadConfig({ ...BASE, OIDC_PROVIDERS: dup })).toThrow(/two OpenID providers/);
    expect(() =>
      loadConfig({
        ...BASE,
        OIDC_PROVIDERS: JSON.stringify([
          { id: 'local', name: 'L', issuer: 'https://a', client_id: 'a' },
        ]),
      }),
    ).toThrow(/local/);
    expect(() =>
      loadConfig({
        ...BASE,
        OIDC_ISSUER_URL: 'https://a',
        OIDC_CLIENT_ID: 'a',
        OIDC_SCOPES: 'email profile',
      }),
    ).toThrow(/openid/);
    expect(() => loadConfig({ ...BASE, OIDC_PROVIDERS: '{' })).toThrow(/not JSON/);
    expect(() => loadConfig({ ...BASE, COMMANDER_LOCAL_LOGIN: 'maybe' })).toThrow();
  });
});

describe('HTTPS listener and the kubeconfig server', () => {
  const db = 'postgres://u@h/db';
  it('points kubeconfigs at the HTTPS port with its own certificate when the public URL is http', () => {
    const config = loadConfig({
      DATABASE_URL: db,
      COMMANDER_PUBLIC_URL: 'http://localhost:8080',
      COMMANDER_TLS_PORT: '8443',
      COMMANDER_TLS_CERT_FILE: '/d/cert.pem',
      COMMANDER_TLS_KEY_FILE: '/d/key.pem',
    });
    expect(config.tls).toEqual({ port: 8443, certFile: '/d/cert.pem', keyFile: '/d/key.pem' });
    expect(kubeconfigServer(config, 'PEM')).toEqual({
      serverUrl: 'https://localhost:8443',
      caData: Buffer.from('PEM').toString('base64'),
    });
  });

  it('keeps the public HTTPS URL and the CA bundle behind a TLS-terminating proxy', () => {
    const config = loadConfig({
      DATABASE_URL: db,
      COMMANDER_PUBLIC_URL: 'https://commander.example.com',
      COMMANDER_CA_BUNDLE: 'QlVORExF',
      COMMANDER_TLS_PORT: '8443',
    });
    expect(kubeconfigServer(config, 'PEM')).toEqual({
      serverUrl: 'https://commander.example.com',
      caData: 'QlVORExF',
    });
    const plain = loadConfig({ DATABASE_URL: db, COMMANDER_PUBLIC_URL: 'http://localhost:8080' });
    expect(plain.tls).toBeNull();
    expect(kubeconfigServer(plain, null).serverUrl).toBe('http://localhost:8080');
  });

  it('takes an explicit https kubeconfig server and refuses a plain-http one', () => {
    const config = loadConfig({
      DATABASE_URL: db,
      COMMANDER_KUBECONFIG_SERVER_URL: 'https://k.example.com:6443',
      COMMANDER_TLS_PORT: '8443',
    });
    expect(kubeconfigServer(config, 'PEM').serverUrl).toBe('https://k.example.com:6443');
    expect(() =>
      loadConfig({ DATABASE_URL: db, COMMANDER_KUBECONFIG_SERVER_URL: 'http://k.example.com' }),
    ).toThrow(/https/);
  });
});
