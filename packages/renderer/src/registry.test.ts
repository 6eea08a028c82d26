import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { validateDocument } from './kinds.js';
import { applyRegistry, type ClusterRegistry, registryVariables } from './registry.js';
import { publicSpecialVariables } from './secrets.js';

const INIT = `apiVersion: deckhouse.io/v1
kind: InitConfiguration
deckhouse:
  imagesRepo: registry.deckhouse.io/deckhouse/ce
  registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
  releaseChannel: Stable
`;
const CFG = btoa(JSON.stringify({ auths: { 'r.example.com': { auth: btoa('u:pass-42') } } }));
const REGISTRY: ClusterRegistry = {
  mode: 'Direct',
  imagesRepo: 'r.example.com:5000/deckhouse/ee',
  scheme: 'HTTPS',
  ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  dockerCfg: CFG,
};

function docs(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

describe('applyRegistry', () => {
  it('writes the registry into the InitConfiguration and keeps other documents', () => {
    const out = applyRegistry(`${INIT}---\nkind: Other\na: 1\n`, REGISTRY);
    const [init, other] = docs(out);
    expect(init).toEqual({
      apiVersion: 'deckhouse.io/v1',
      kind: 'InitConfiguration',
      deckhouse: {
        imagesRepo: 'r.example.com:5000/deckhouse/ee',
        registryDockerCfg: CFG,
        releaseChannel: 'Stable',
        registryScheme: 'HTTPS',
        registryCA: REGISTRY.ca,
      },
    });
    expect(other).toEqual({ kind: 'Other', a: 1 });
    expect(validateDocument(init ?? {})).toEqual([]);
  });

  it('renders a placeholder for the credentials in a public render', () => {
    const out = applyRegistry(INIT, REGISTRY, true);
    expect(out).toContain('<secret:registryDockerCfg>');
    expect(out).not.toContain(CFG);
    expect(out).not.toContain('pass-42');
  });

  it('adds an InitConfiguration when there is none, with anonymous access without credentials', () => {
    const out = applyRegistry('', { ...REGISTRY, dockerCfg: null, ca: '' });
    const [init] = docs(out);
    const deckhouse = init?.deckhouse as Record<string, string>;
    expect(deckhouse.imagesRepo).toBe('r.example.com:5000/deckhouse/ee');
    expect(JSON.parse(atob(deckhouse.registryDockerCfg ?? ''))).toEqual({
      auths: { 'r.example.com:5000': {} },
    });
    expect(deckhouse.registryCA).toBeUndefined();
  });

  it('leaves the configuration alone in Unmanaged mode or without a registry', () => {
    expect(applyRegistry(INIT, { ...REGISTRY, mode: 'Unmanaged' })).toBe(INIT);
    expect(applyRegistry(INIT, null)).toBe(INIT);
  });
});

describe('registry template variables', () => {
  const specials = {
    dc_sshPublicKey: 'ssh-ed25519 AAAA',
    dc_sshPrivateKey: 'KEY',
    dc_clusterUUID: 'u',
    dc_domain: 'd',
    dc_caBundle: '',
  };

  it('are the registry, or empty strings without one', () => {
    expect(registryVariables(REGISTRY)).toEqual({
      dc_registryImagesRepo: REGISTRY.imagesRepo,
      dc_registryScheme: 'HTTPS',
      dc_registryCA: REGISTRY.ca,
      dc_registryDockerCfg: CFG,
      dc_registryMode: 'Direct',
    });
    expect(Object.values(registryVariables(null))).toEqual(['', '', '', '', '']);
  });

  it('carry a placeholder for the credentials in public renders, only when they are set', () => {
    const out = publicSpecialVariables({ ...specials, ...registryVariables(REGISTRY) });
    expect(out.dc_registryDockerCfg).toBe('<secret:dc_registryDockerCfg>');
    expect(out.dc_registryImagesRepo).toBe(REGISTRY.imagesRepo);
    expect(
      publicSpecialVariables({ ...specials, ...registryVariables(null) }).dc_registryDockerCfg,
    ).toBe('');
  });
});
