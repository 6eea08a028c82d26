// A fresh install has a preset for every DKP placement, and a cluster is created from each cloud
// preset through the API with the preset's example values: the placement renders with the
// provider's kind and no secret value comes back.
import { PRESET_TEMPLATES } from '@commander/core';
import { describe, expect, it } from 'vitest';

import { useTestApp } from './helpers.js';

type TemplateRow = { id: string; name: string; current_cluster_template_version_id: string };

describe('preset templates through the API', () => {
  const t = useTestApp();

  async function presets(): Promise<TemplateRow[]> {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/cluster_templates',
      headers: t.headers(),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<TemplateRow[] | { items: TemplateRow[] }>();
    return Array.isArray(body) ? body : body.items;
  }

  it('lists one preset per placement in the default workspace', async () => {
    const names = (await presets()).map((tpl) => tpl.name);
    expect(names).toEqual(expect.arrayContaining(PRESET_TEMPLATES.map((p) => p.name)));
  });

  PRESET_TEMPLATES.filter((p) => !p.name.startsWith('Static')).forEach((preset, i) => {
    it(`creates a cluster from "${preset.name}" with its example values`, async () => {
      const template = (await presets()).find((tpl) => tpl.name === preset.name);
      expect(template).toBeDefined();
      const secrets = preset.params
        .filter((p) => p.format === 'password' && preset.example[p.key as string] !== undefined)
        .map((p) => String(preset.example[p.key as string]));
      expect(secrets.length).toBeGreaterThan(0);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/clusters',
        headers: t.headers(),
        payload: {
          name: `preset-${i}-${t.suffix}`,
          cluster_template_version_id: template!.current_cluster_template_version_id,
          values: { ...preset.example, prefix: `p${i}-${t.suffix}` },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const cluster = res.json();
      expect(cluster.cluster_type).toBe('cloud');
      const placement = preset.placement_template.match(/^kind: (\w+)$/m)?.[1];
      expect(cluster.desired_provider_specific_cluster_configuration_rendered).toContain(
        `kind: ${placement}`,
      );
      expect(cluster.desired_resources_rendered).toContain('kind: NodeGroup');
      for (const secret of secrets) {
        expect(res.body).not.toContain(secret);
      }
    });
  });
});
