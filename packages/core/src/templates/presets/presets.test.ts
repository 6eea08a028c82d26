import { PRESET_TEMPLATE_TRANSLATIONS, templateDisplay } from '@commander/contracts';
import { describeForm, parseParams, RECORD_ID_KEY, validateValues } from '@commander/renderer';
import { describe, expect, it } from 'vitest';

import { PRESET_CATALOGS, PRESET_TEMPLATES, type PresetTemplate } from './index.js';
import { presetExampleValues, renderPresetExample } from './render-example.js';

const PROVIDERS = [
  'Yandex',
  'OpenStack',
  'vSphere',
  'AWS',
  'GCP',
  'Azure',
  'VCD',
  'Zvirt',
  'Huaweicloud',
  'Dynamix',
];

function byName(name: string): PresetTemplate {
  const preset = PRESET_TEMPLATES.find((p) => p.name === name);
  if (!preset) {
    throw new Error(`no preset ${name}`);
  }
  return preset;
}

describe('preset templates', () => {
  for (const preset of PRESET_TEMPLATES) {
    it(`${preset.name}: params are valid and the example values render to valid documents`, () => {
      const params = parseParams(preset.params);
      expect(params.errors).toEqual([]);
      const values = validateValues(params.fields, presetExampleValues(preset));
      expect(values.ok ? [] : values.errors).toEqual([]);
      const result = renderPresetExample(preset);
      expect(result.errors).toEqual([]);
      expect(result.rendered?.primary_resources).toContain('/agent_api/');
      expect(result.facts.clusterType).toBe(preset.name.startsWith('Static') ? 'static' : 'cloud');
    });

    it(`${preset.name}: every field and header has a Russian title`, () => {
      const { fields } = parseParams(preset.params);
      for (const item of fields) {
        if (item.kind === 'header') {
          expect(item.i18n?.ru?.header, item.header).toBeTruthy();
        } else {
          expect(item.i18n?.ru?.title, item.key).toBeTruthy();
          if (item.description !== undefined) {
            expect(item.i18n?.ru?.description, item.key).toBeTruthy();
          }
        }
      }
      const ru = describeForm(fields, { language: 'ru' });
      const en = describeForm(fields);
      expect(ru.fields.map((f) => f.label)).not.toEqual(en.fields.map((f) => f.label));
    });
  }

  it('every preset has its Russian name and comment for the web app', () => {
    for (const preset of PRESET_TEMPLATES) {
      const translation = PRESET_TEMPLATE_TRANSLATIONS[preset.name];
      expect(translation?.en.comment, preset.name).toBe(preset.comment);
      expect(templateDisplay(preset, 'ru').name).toBe(translation?.ru.name);
      expect(templateDisplay(preset, 'ru').comment).toBe(translation?.ru.comment);
      expect(templateDisplay(preset, 'en')).toEqual({ name: preset.name, comment: preset.comment });
    }
    expect(Object.keys(PRESET_TEMPLATE_TRANSLATIONS).sort()).toEqual(
      PRESET_TEMPLATES.map((p) => p.name).sort(),
    );
    expect(templateDisplay({ name: 'Static cluster', comment: 'mine' }, 'ru').comment).toBe('mine');
  });

  it('covers every cloud provider DKP bundles (DVP aside, an external provider)', () => {
    const rendered = PRESET_TEMPLATES.map((p) => renderPresetExample(p).facts.cloudProvider);
    expect(rendered.filter((p) => p !== null).sort()).toEqual([...PROVIDERS].sort());
  });

  it('the static preset takes its masters from the inventory', () => {
    const result = renderPresetExample(byName('Static cluster'));
    expect(result.facts.connectionHosts.masters).toEqual([{ host: '10.0.1.11', user: 'ubuntu' }]);
  });

  it('cloud presets put the secrets they are given into the placement only', () => {
    const preset = byName('OpenStack cluster');
    const result = renderPresetExample(preset);
    expect(result.rendered?.provider_specific_cluster_configuration).toContain(
      'password: "example-password"',
    );
    expect(result.rendered?.init_configuration).not.toContain('example-password');
    expect(result.rendered?.resources.map((g) => g.yaml).join('\n')).not.toContain(
      'example-password',
    );
  });

  it('the catalog records match their schema', () => {
    for (const catalog of PRESET_CATALOGS) {
      const params = parseParams(catalog.params);
      expect(params.errors).toEqual([]);
      for (const record of catalog.records) {
        expect(validateValues(params.fields, record).ok).toBe(true);
      }
    }
    expect(RECORD_ID_KEY).toBe('x-commander-record-id');
  });
});

describe('preset values', () => {
  it('are refused with the field named when a required one is missing', () => {
    const preset = byName('AWS cluster');
    const values = validateValues(parseParams(preset.params).fields, {
      ...preset.example,
      ami: undefined,
    });
    expect(values.ok).toBe(false);
    expect(values.ok ? [] : values.errors.map((e) => e.path)).toContain('ami');
  });
});
