// Every preset template, rendered with its example values, passes the simulator's
// `dhctl.Validation` (real gRPC calls to a running simulator), and loses a required field → the
// error names it.
import { PRESET_TEMPLATES, type PresetTemplate, renderPresetExample } from '@commander/core';
import { createDhctlClient, type Dhctl, parseValidationError } from '@commander/dhctl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';

import { type DhctlSim, startDhctlSim } from '../src/index.js';

let sim: DhctlSim;
let client: Dhctl;
const opts = { commander_mode: true, strict_unmarshal: true, validate_extensions: true };

beforeAll(async () => {
  sim = await startDhctlSim({ httpPort: null });
  client = createDhctlClient(sim.grpcAddress);
});

afterAll(async () => {
  client.close();
  await sim.stop();
});

function messages(err: string): string[] {
  return parseValidationError(err)?.Errors.flatMap((e) => e.Messages) ?? [];
}

type Rendered = NonNullable<ReturnType<typeof renderPresetExample>['rendered']>;

function rendered(preset: PresetTemplate): Rendered {
  const result = renderPresetExample(preset);
  expect(result.errors).toEqual([]);
  if (!result.rendered) {
    throw new Error(`${preset.name} did not render`);
  }
  return result.rendered;
}

/** Validates the placement document against the cluster configuration, as dhctl does. */
async function validatePlacement(clusterConfigYaml: string, placement: string): Promise<string> {
  const cluster = await client.validation.validateClusterConfig({
    config: clusterConfigYaml,
    opts,
  });
  expect(cluster.err).toBe('');
  const { clusterType } = JSON.parse(cluster.cluster_config) as { clusterType: string };
  if (clusterType === 'Static') {
    return (await client.validation.validateStaticClusterConfig({ config: placement, opts })).err;
  }
  return (
    await client.validation.validateProviderSpecificClusterConfig({
      config: placement,
      cluster_config: cluster.cluster_config,
      opts,
    })
  ).err;
}

/** The YAML text with `path` (dotted) removed from its first document. */
function without(yamlText: string, path: string): string {
  const [first] = parseAllDocuments(yamlText);
  const doc = first?.toJS() as Record<string, unknown>;
  const keys = path.split('.');
  let target: Record<string, unknown> = doc;
  for (const key of keys.slice(0, -1)) {
    target = target[key] as Record<string, unknown>;
  }
  expect(target[keys.at(-1)!], `${path} is in the rendered document`).toBeDefined();
  delete target[keys.at(-1)!];
  return stringify(doc);
}

describe('preset templates against dhctl.Validation', () => {
  it('cover all eleven placements', () => {
    expect(PRESET_TEMPLATES).toHaveLength(11);
  });

  for (const preset of PRESET_TEMPLATES) {
    it(`${preset.name}: every rendered document validates`, async () => {
      const r = rendered(preset);
      expect(
        await validatePlacement(r.cluster_configuration, r.provider_specific_cluster_configuration),
      ).toBe('');
      const init = await client.validation.validateInitConfig({
        config: r.init_configuration,
        opts,
      });
      expect(init.err).toBe('');
      const connection = await client.validation.parseConnectionConfig({
        config: r.connection_config,
        opts: { ...opts, required_ssh_host: preset.name.startsWith('Static') },
      });
      expect(connection.err).toBe('');
      for (const [name, text] of [
        ['primary_resources', r.primary_resources],
        ...r.resources.map((g) => [`resources/${g.name}`, g.yaml]),
      ] as const) {
        const resources = await client.validation.validateResources({ config: text, opts });
        expect(messages(resources.err), name).toEqual([]);
      }
      // The worker NodeGroup and its InstanceClass of a cloud preset.
      const nodes = r.resources.find((g) => g.name === 'nodes')?.yaml ?? '';
      expect(nodes).toContain('kind: NodeGroup');
    });

    it(`${preset.name}: without its required ${preset.requiredPlacementField} the placement is refused`, async () => {
      const r = rendered(preset);
      const broken = without(
        r.provider_specific_cluster_configuration,
        preset.requiredPlacementField,
      );
      const err = await validatePlacement(r.cluster_configuration, broken);
      expect(messages(err)).toContain(`.${preset.requiredPlacementField} is required`);
    });
  }

  for (const preset of PRESET_TEMPLATES) {
    const layouts = preset.params.find((p) => p.key === 'layout')?.enum as string[] | undefined;
    if (!layouts || layouts.length < 2) {
      continue;
    }
    it(`${preset.name}: every layout it offers (${layouts.join(', ')}) validates`, async () => {
      for (const layout of layouts) {
        const r = rendered({ ...preset, example: { ...preset.example, layout } });
        expect(r.provider_specific_cluster_configuration).toContain(`layout: ${layout}`);
        expect(
          messages(
            await validatePlacement(
              r.cluster_configuration,
              r.provider_specific_cluster_configuration,
            ),
          ),
          layout,
        ).toEqual([]);
      }
    });
  }

  it('refuses a worker NodeGroup without its class reference and an InstanceClass without its required spec', async () => {
    const preset = PRESET_TEMPLATES.find((p) => p.name === 'OpenStack cluster')!;
    const nodes = rendered(preset).resources.find((g) => g.name === 'nodes')!.yaml;
    const broken = nodes
      .replace(/ {2}flavorName: .*\n/, '')
      .replace(/ {4}classReference:\n {6}kind: .*\n {6}name: worker\n/, '');
    const result = await client.validation.validateResources({ config: broken, opts });
    expect(messages(result.err)).toEqual(
      expect.arrayContaining([
        '.spec.flavorName is required',
        '.spec.cloudInstances.classReference is required',
      ]),
    );
  });

  it('refuses an unknown field, a wrong type and a wrong layout in a provider configuration', async () => {
    const preset = PRESET_TEMPLATES.find((p) => p.name === 'AWS cluster')!;
    const r = rendered(preset);
    const broken = r.provider_specific_cluster_configuration
      .replace('layout: WithoutNAT', 'layout: Fancy')
      .replace(/replicas: 1/, 'replicas: "1"')
      .concat('colour: blue\n');
    const err = await validatePlacement(r.cluster_configuration, broken);
    expect(messages(err)).toEqual(
      expect.arrayContaining([
        '.layout must be one of [WithoutNAT, WithNAT, Standard]',
        '.masterNodeGroup.replicas must be an integer, got "1"',
        '.colour: unknown field (additionalProperties: false)',
      ]),
    );
  });
});
