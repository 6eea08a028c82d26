import { describe, expect, it } from 'vitest';

import { renderClusterConfiguration } from './render.js';
import { publicSpecialVariables, secretPlaceholder, withSecretPlaceholders } from './secrets.js';

const specials = {
  dc_sshPublicKey: 'ssh-ed25519 AAAA public',
  dc_sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nREALKEYMATERIAL\n-----END',
  dc_clusterUUID: '00000000-0000-4000-8000-000000000001',
  dc_domain: 'commander.test',
  dc_caBundle: '',
};

describe('secret placeholders', () => {
  it('replaces set secrets only, and the private key special variable', () => {
    expect(withSecretPlaceholders({ a: 's3cret', b: '', c: 'plain' }, ['a', 'b', 'x'])).toEqual({
      a: '<secret:a>',
      b: '',
      c: 'plain',
    });
    expect(publicSpecialVariables(specials)).toEqual({
      ...specials,
      dc_sshPrivateKey: secretPlaceholder('dc_sshPrivateKey'),
    });
  });

  it('a render with placeholders holds no form of the secret, whatever the template does', () => {
    const secret = 'Sup3r-Secret-Value';
    const template = [
      'a: {{ .pw | b64enc }}',
      'b: {{ .pw | upper }}',
      'c: {{ .pw | quote }}',
      'd: {{ .pw | sha256sum }}',
      'e: {{ .pw | trunc 5 }}',
      'f: {{ .dc_sshPrivateKey | b64enc }}',
      'g: {{ splitList "" .pw | reverse | join "" | quote }}',
      'h: {{ dict "k" .pw | toJson | quote }}',
    ].join('\n');
    const version = {
      kubernetes_template: '',
      placement_template: '',
      ssh_template: '',
      installation_template: '',
      primary_resources_template: template,
      resources: [],
    };
    const real = renderClusterConfiguration(version, { pw: secret }, specials);
    expect(real.texts.primary_resources).toContain(Buffer.from(secret).toString('base64'));
    const pub = renderClusterConfiguration(
      version,
      withSecretPlaceholders({ pw: secret }, ['pw']),
      publicSpecialVariables(specials),
    );
    const text = pub.texts.primary_resources ?? '';
    expect(text).toContain(Buffer.from('<secret:pw>').toString('base64'));
    for (const form of [
      secret,
      secret.slice(0, 5),
      secret.toUpperCase(),
      Buffer.from(secret).toString('base64'),
      [...secret].reverse().join(''),
      'REALKEYMATERIAL',
      Buffer.from(specials.dc_sshPrivateKey).toString('base64'),
    ]) {
      expect(text).not.toContain(form);
    }
  });
});
