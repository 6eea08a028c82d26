import {
  CreateTemplateVersionBodySchema,
  type RenderBody,
  RenderBodySchema,
  type RenderResponse,
} from '@commander/contracts';
import { paramFields, parseParams, secretKeys, validateValues } from '@commander/renderer';

import { loadCluster, readSecretValues } from '../clusters/get-cluster.js';
import { getUsableVersion } from '../clusters/get-usable-version.js';
import { resolveCatalogValues } from '../clusters/prepare-configuration.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { paramsToStore } from './manage-templates.js';
import { renderConfiguration } from './render-configuration.js';

const PREVIEW_UUID = '00000000-0000-4000-8000-000000000000';
const PREVIEW_PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPreviewKeyGeneratedWhenTheClusterIsCreated commander';
const PREVIEW_PRIVATE_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\n(generated when the cluster is created)\n-----END OPENSSH PRIVATE KEY-----';

/**
 * Renders a template version (stored, or unsaved text from the editor) with values, without
 * side effects: the rendered sections, template/YAML/document errors and value errors. As an
 * existing cluster when `cluster_id` is given (its UUID, SSH key and stored secrets).
 * Secret values are masked in the output.
 */
export async function renderPreview(
  ctx: ServiceContext,
  body: RenderBody,
): Promise<RenderResponse> {
  const input = RenderBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  let sections;
  let params: Record<string, unknown>[];
  if (input.cluster_template_version_id) {
    const v = await getUsableVersion(ctx, input.cluster_template_version_id, {
      allowUnavailable: true,
    });
    params = v.params as Record<string, unknown>[];
    sections = {
      kubernetes_template: v.kubernetesTemplate,
      placement_template: v.placementTemplate,
      ssh_template: v.sshTemplate,
      installation_template: v.installationTemplate,
      primary_resources_template: v.primaryResourcesTemplate,
      resources: v.resources as never,
    };
  } else if (input.template) {
    const t = CreateTemplateVersionBodySchema.parse(input.template);
    params = paramsToStore(t);
    sections = t;
  } else {
    throw new AppError('validation_failed', 'Give cluster_template_version_id or template');
  }
  const parsed = parseParams(params);
  const secrets = new Set(secretKeys(parsed.fields));
  let uuid = PREVIEW_UUID;
  let publicKey = PREVIEW_PUBLIC_KEY;
  const privateKey = PREVIEW_PRIVATE_KEY;
  const values: Record<string, unknown> = { ...input.values };
  let clusterId = PREVIEW_UUID;
  if (input.cluster_id) {
    const cluster = await loadCluster(ctx, input.cluster_id);
    clusterId = cluster.id;
    uuid = cluster.uuid;
    publicKey = cluster.sshPublicKey ?? publicKey;
    const stored = readSecretValues(ctx, cluster.secretValuesEncrypted);
    for (const key of secrets) {
      if ((values[key] === undefined || values[key] === null) && stored[key] !== undefined) {
        values[key] = stored[key];
      }
    }
  }
  const catalogs = await resolveCatalogValues(
    ctx,
    workspace.id,
    clusterId,
    paramFields(parsed.fields),
    values,
  );
  const validation = validateValues(parsed.fields, catalogs.values);
  const renderValues = validation.ok ? validation.values : catalogs.values;
  const result = await renderConfiguration(ctx, sections, renderValues, {
    dc_sshPublicKey: publicKey,
    dc_sshPrivateKey: privateKey,
    dc_clusterUUID: uuid,
    dc_domain: ctx.instance.publicHost,
    dc_caBundle: ctx.instance.caBundle,
  });
  const secretTexts = [...secrets]
    .map((k) => renderValues[k])
    .filter((v): v is string => typeof v === 'string' && v.length >= 4);
  const mask = (text: string | null) =>
    text === null ? null : secretTexts.reduce((acc, s) => acc.split(s).join('******'), text);
  return {
    sections: Object.fromEntries(Object.entries(result.texts).map(([k, v]) => [k, mask(v)])),
    errors: [
      ...parsed.errors.map((e) => ({ section: 'params', line: e.line, message: e.message })),
      ...result.errors,
    ],
    value_errors: [...catalogs.errors, ...(validation.ok ? [] : validation.errors)],
    cluster_type: result.facts.clusterType,
  };
}
