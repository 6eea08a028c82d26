import {
  parseParams,
  RECORD_ID_KEY,
  renderClusterConfiguration,
  validateValues,
} from '@commander/renderer';

import type { PresetTemplate } from './common.js';
import { PRESET_CATALOGS } from './index.js';

/** The special variables a preset example is rendered with (a made-up cluster). */
export const EXAMPLE_SPECIALS = {
  dc_sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVeRyR3alKey commander',
  dc_sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----',
  dc_clusterUUID: '0b7a4f56-1d2e-4c6f-9a8b-7c6d5e4f3a2b',
  dc_domain: 'commander.example.com',
  dc_caBundle: '',
};

/**
 * The values of a preset's example: its `example`, and for catalog fields the first records of
 * the shipped catalog (with made-up record ids), as the form's autoselect would pick them.
 */
export function presetExampleValues(preset: PresetTemplate): Record<string, unknown> {
  const values: Record<string, unknown> = { ...preset.example };
  for (const item of parseParams(preset.params).fields) {
    if (item.kind !== 'field' || item.catalog === undefined || values[item.key] !== undefined) {
      continue;
    }
    const catalog = PRESET_CATALOGS.find((c) => c.slug === item.catalog);
    const records = (catalog?.records ?? [])
      .slice(0, Math.max(item.minItems ?? 1, 1))
      .map((record, i) => ({
        ...record,
        [RECORD_ID_KEY]: `5f6727e7-1111-4222-8333-${String(i).padStart(12, '0')}`,
      }));
    values[item.key] = item.maxItems === undefined ? records[0] : records;
  }
  return values;
}

/** Renders a preset with its example values (defaults applied), as a cluster would be. */
export function renderPresetExample(
  preset: PresetTemplate,
): ReturnType<typeof renderClusterConfiguration> {
  const { fields } = parseParams(preset.params);
  const values = validateValues(fields, presetExampleValues(preset));
  if (!values.ok) {
    throw new Error(
      `${preset.name}: example values are invalid: ${values.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  return renderClusterConfiguration(preset, values.values, EXAMPLE_SPECIALS);
}
