import {
  parseParams,
  RECORD_ID_KEY,
  renderClusterConfiguration,
  validateValues,
} from '@commander/renderer';
import { describe, expect, it } from 'vitest';

import { PRESET_CATALOGS, PRESET_TEMPLATES } from './index.js';

const specials = {
  dc_sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVeRyR3alKey test',
  dc_sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----',
  dc_clusterUUID: '0b7a4f56-1d2e-4c6f-9a8b-7c6d5e4f3a2b',
  dc_domain: 'commander.example.com',
  dc_caBundle: '',
};

const SAMPLE_VALUES: Record<string, Record<string, unknown>> = {
  'Static cluster': {
    masterHosts: [
      {
        ...PRESET_CATALOGS[0]!.records[0],
        [RECORD_ID_KEY]: '5f6727e7-1111-4222-8333-444455556666',
      },
    ],
  },
  'Yandex Cloud cluster': {
    prefix: 'demo',
    cloudID: 'b1gabc',
    folderID: 'b1gdef',
    serviceAccountJSON:
      '{"id":"aje1","service_account_id":"aje2","private_key":"-----BEGIN PRIVATE KEY-----\\nxyz\\n-----END PRIVATE KEY-----\\n"}',
  },
};

describe('preset templates', () => {
  for (const preset of PRESET_TEMPLATES) {
    it(`${preset.name}: params are valid and the defaults render to valid documents`, () => {
      const params = parseParams(preset.params);
      expect(params.errors).toEqual([]);
      const values = validateValues(params.fields, SAMPLE_VALUES[preset.name] ?? {});
      expect(values.ok ? [] : values.errors).toEqual([]);
      const result = renderClusterConfiguration(preset, values.ok ? values.values : {}, specials);
      expect(result.errors).toEqual([]);
      expect(result.rendered?.primary_resources).toContain(`/agent_api/${specials.dc_clusterUUID}`);
      expect(result.facts.clusterType).toBe(preset.name.startsWith('Static') ? 'static' : 'cloud');
    });
  }

  it('the static preset takes its masters from the inventory', () => {
    const preset = PRESET_TEMPLATES[0]!;
    const values = validateValues(
      parseParams(preset.params).fields,
      SAMPLE_VALUES['Static cluster'],
    );
    const result = renderClusterConfiguration(preset, values.ok ? values.values : {}, specials);
    expect(result.facts.connectionHosts.masters).toEqual([{ host: '10.0.1.11', user: 'ubuntu' }]);
  });

  it('the catalog records match their schema', () => {
    for (const catalog of PRESET_CATALOGS) {
      const params = parseParams(catalog.params);
      expect(params.errors).toEqual([]);
      for (const record of catalog.records) {
        expect(validateValues(params.fields, record).ok).toBe(true);
      }
    }
  });
});
