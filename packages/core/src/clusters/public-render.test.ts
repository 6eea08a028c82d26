import { describe, expect, it } from 'vitest';

import { publicOperationResult } from '../cluster-state/operation-dto.js';
import {
  publicRenderedConfig,
  publicRenderErrors,
  withheldSectionText,
} from '../cluster-state/render-configuration.js';
import {
  publicScannedClusterConfiguration,
  withheldPublicConfig,
} from '../cluster-state/rendered-config.js';

const SECRET = 'hunter2-Secret-Value';

describe('public renders', () => {
  it('shows a section that does not render with placeholders as withheld', () => {
    const config = publicRenderedConfig(
      {
        kubernetes_template: '',
        placement_template: '',
        ssh_template: '',
        installation_template: '',
        primary_resources_template: '',
        resources: [{ name: 'main', sync_mode: 'managed', template: '' }],
      },
      {
        rendered: null,
        texts: { kubernetes: 'a: 1\n', placement: null, 'resources/main': 'b: 2\n' },
        documents: {},
        errors: [],
        facts: { clusterType: null, cloudProvider: null, connectionHosts: { masters: [] } },
      } as never,
    );
    expect(config.cluster_configuration).toBe('a: 1\n');
    expect(config.provider_specific_cluster_configuration).toBe(withheldSectionText('placement'));
    expect(config.resources).toEqual([{ name: 'main', sync_mode: 'managed', yaml: 'b: 2\n' }]);
  });

  it('shows public errors, and a generic error for a section failing only with real values', () => {
    const real = [
      { section: 'kubernetes', message: `error calling fail: ${SECRET}` },
      { section: 'placement', message: `YAML: bad ${SECRET}` },
    ];
    const pub = [{ section: 'placement', message: 'YAML: bad <secret:pw>' }];
    const shown = publicRenderErrors(real, pub);
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    expect(shown.map((e) => e.section).sort()).toEqual(['kubernetes', 'placement']);
    expect(publicRenderErrors([], pub)).toEqual([]);
  });

  it('keeps only the allowlisted fields of a scanned ClusterConfiguration', () => {
    const text = [
      'apiVersion: deckhouse.io/v1',
      'kind: ClusterConfiguration',
      'clusterType: Static',
      'kubernetesVersion: "1.32"',
      'proxy:',
      `  httpProxy: http://user:${SECRET}@proxy:3128`,
      `packagesProxy: { password: ${SECRET} }`,
      '',
    ].join('\n');
    const out = publicScannedClusterConfiguration(text);
    expect(out).toContain('kubernetesVersion: "1.32"');
    expect(out).toContain('<secret:proxy>');
    expect(out).not.toContain(SECRET);
    expect(publicScannedClusterConfiguration(`a: [${SECRET}`)).not.toContain(SECRET);
  });

  it('withholds sections Commander did not render', () => {
    const config = {
      cluster_configuration: 'x',
      provider_specific_cluster_configuration: `key: ${SECRET}`,
      init_configuration: '',
      connection_config: `key: ${SECRET}`,
      primary_resources: '',
      resources: [],
    };
    const pub = withheldPublicConfig(config, null, [
      'provider_specific_cluster_configuration',
      'connection_config',
    ]);
    expect(JSON.stringify(pub)).not.toContain(SECRET);
    expect(pub.cluster_configuration).toBe('x');
  });
});

describe('operation results', () => {
  it('keep statuses and ids only, naming what is withheld', () => {
    const result = publicOperationResult({
      status: 'Attached',
      scan_result: { ssh_private_key: SECRET },
      check_result: {
        status: 'OutOfSync',
        status_details: { configuration_status: 'OutOfSync', terraform_plan: [{ a: SECRET }] },
      },
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(result).toEqual({
      status: 'Attached',
      check_result: { status: 'OutOfSync', status_details: { configuration_status: 'OutOfSync' } },
      withheld_fields: ['scan_result', 'check_result.status_details.terraform_plan'],
    });
    const plan = publicOperationResult({
      status: 'DestructiveOutOfSync',
      status_details: {
        nodes: [
          {
            group: 'master',
            name: 'm-0',
            status: 'changed',
            destructive_changes: {
              resourced_recreated: [{ type: 'node', current_value: SECRET, next_value: 'x' }],
            },
          },
        ],
      },
    });
    expect(JSON.stringify(plan)).not.toContain(SECRET);
    expect(plan).toMatchObject({
      status_details: {
        nodes: [
          {
            group: 'master',
            name: 'm-0',
            status: 'changed',
            destructive_changes: { resourced_recreated: [{ type: 'node' }] },
          },
        ],
      },
    });
    expect(publicOperationResult(null)).toBeNull();
    expect(publicOperationResult(SECRET)).toEqual({ withheld_fields: ['(result)'] });
    expect(publicOperationResult({ status: { nested: SECRET } })).toEqual({
      withheld_fields: ['status'],
    });
  });
});
