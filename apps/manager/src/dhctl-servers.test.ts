import { DhctlServerNotFoundError } from '@commander/dhctl';
import { describe, expect, it } from 'vitest';

import { loadConfig } from './config.js';
import { dkpMinorVersion, parseCommandTemplate, resolveDhctlTarget } from './dhctl-servers.js';

describe('resolveDhctlTarget', () => {
  const managed = { defaultVersion: null };

  it('static exact and major.minor entries keep precedence over managed servers', () => {
    const servers = { '1.69.3': 'exact:1', '1.70': 'minor:1', default: 'def:1' };
    expect(resolveDhctlTarget(servers, 'v1.69.3', managed)).toEqual({
      kind: 'static',
      address: 'exact:1',
    });
    expect(resolveDhctlTarget(servers, '1.70.2', managed)).toEqual({
      kind: 'static',
      address: 'minor:1',
    });
  });

  it('a version without a static entry gets the managed server of its major.minor', () => {
    const servers = { '1.70': 'minor:1', default: 'def:1' };
    expect(resolveDhctlTarget(servers, 'v1.69.3', managed)).toEqual({
      kind: 'managed',
      version: '1.69',
    });
    // Without a template, the static default serves it (as before).
    expect(resolveDhctlTarget(servers, 'v1.69.3', null)).toEqual({
      kind: 'static',
      address: 'def:1',
    });
  });

  it('no reported version: the static default, else the managed default version', () => {
    expect(resolveDhctlTarget({ default: 'def:1' }, undefined, managed)).toEqual({
      kind: 'static',
      address: 'def:1',
    });
    expect(resolveDhctlTarget({}, undefined, { defaultVersion: '1.69' })).toEqual({
      kind: 'managed',
      version: '1.69',
    });
    expect(() => resolveDhctlTarget({}, undefined, managed)).toThrow(
      /DHCTL_SERVER_DEFAULT_VERSION/,
    );
  });

  it('nothing serves the version: an error naming it', () => {
    const pick = () => resolveDhctlTarget({ '1.69': 'a:1' }, '1.71.2', null);
    expect(pick).toThrow(DhctlServerNotFoundError);
    expect(pick).toThrow(/DKP version "1\.71\.2"/);
  });

  it('a reported version that is not a DKP version never reaches the command', () => {
    for (const version of ['1.69; rm -rf /', '--help', '1.69 --flag', '../../x', '1']) {
      expect(() => resolveDhctlTarget({}, version, managed), version).toThrow(
        DhctlServerNotFoundError,
      );
    }
  });

  it('dkpMinorVersion', () => {
    expect(dkpMinorVersion('v1.69.3')).toBe('1.69');
    expect(dkpMinorVersion('1.70')).toBe('1.70');
    expect(dkpMinorVersion('1.70.1-rc.1')).toBe('1.70');
    expect(dkpMinorVersion('latest')).toBeNull();
    expect(dkpMinorVersion(undefined)).toBeNull();
  });
});

describe('parseCommandTemplate', () => {
  it('splits words without a shell and keeps quoted spaces', () => {
    expect(
      parseCommandTemplate(`env A={version} B='x y' node "dir with space/main.js" --port {port}`),
    ).toEqual([
      'env',
      'A={version}',
      'B=x y',
      'node',
      'dir with space/main.js',
      '--port',
      '{port}',
    ]);
  });

  it('refuses an empty template, an open quote or one without {port}', () => {
    expect(() => parseCommandTemplate('  ')).toThrow(/empty/);
    expect(() => parseCommandTemplate("dhctl --port {port} 'x")).toThrow(/quote/);
    expect(() => parseCommandTemplate('dhctl server')).toThrow(/\{port\}/);
  });
});

describe('manager configuration of dhctl servers', () => {
  const base = { DATABASE_URL: 'postgresql://localhost/x' };

  it('without a command: the static default 127.0.0.1:9090, nothing managed', () => {
    const config = loadConfig(base);
    expect(config.dhctlServers).toEqual({ default: '127.0.0.1:9090' });
    expect(config.managedDhctl).toBeNull();
  });

  it('with a command: no implicit static default; idle time and default version read', () => {
    const config = loadConfig({
      ...base,
      DHCTL_SERVER_COMMAND: 'dhctl server --port {port}',
      DHCTL_SERVER_IDLE_MS: '5000',
      DHCTL_SERVER_DEFAULT_VERSION: 'v1.69.1',
    });
    expect(config.dhctlServers).toEqual({});
    expect(config.managedDhctl).toMatchObject({
      command: ['dhctl', 'server', '--port', '{port}'],
      idleMs: 5000,
      defaultVersion: '1.69',
    });
    expect(() =>
      loadConfig({ ...base, DHCTL_SERVER_COMMAND: 'x {port}', DHCTL_SERVER_DEFAULT_VERSION: 'x' }),
    ).toThrow(/DHCTL_SERVER_DEFAULT_VERSION/);
  });
});
