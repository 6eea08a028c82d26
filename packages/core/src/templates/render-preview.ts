import {
  CreateTemplateVersionBodySchema,
  type RenderBody,
  RenderBodySchema,
  type RenderResponse,
} from '@commander/contracts';
import {
  paramFields,
  parseParams,
  secretKeys,
  secretPlaceholder,
  validateValues,
} from '@commander/renderer';

import { assertMayReveal, loadCluster, readSecretValues } from '../cluster-state/load-cluster.js';
import {
  renderConfiguration,
  renderPublicConfiguration,
} from '../cluster-state/render-configuration.js';
import { getUsableVersion } from '../clusters/get-usable-version.js';
import { resolveCatalogValues } from '../clusters/prepare-configuration.js';
import type { ServiceContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { paramsToStore } from './manage-templates.js';

const PREVIEW_UUID = '00000000-0000-4000-8000-000000000000';
const PREVIEW_PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPreviewKeyGeneratedWhenTheClusterIsCreated commander';
const PREVIEW_PRIVATE_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\n(generated when the cluster is created)\n-----END OPENSSH PRIVATE KEY-----';

/**
 * Renders a template version (stored, or unsaved text from the editor) with values, without
 * side effects: the rendered sections, template/YAML/document errors and value errors. As an
 * existing cluster when `cluster_id` is given (its UUID, SSH key and stored secrets).
 *
 * Without `reveal` every secret (password values, given or stored, and the SSH private key) is
 * replaced by a `<secret:key>` placeholder BEFORE rendering, and stored secrets are never read:
 * no template function can then leak them, nor can errors, value checks (an inline template
 * may declare any pattern for a stored secret) or the cluster type act as an oracle. `reveal`
 * renders the real values and needs clusters:secrets:read.
 * @throws AppError forbidden (reveal without clusters:secrets:read), not_found, validation_failed
 */
export async function renderPreview(
  ctx: ServiceContext,
  body: RenderBody,
): Promise<RenderResponse> {
  const input = RenderBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const reveal = input.reveal ?? false;
  assertMayReveal(ctx, reveal);
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
  let privateKey = PREVIEW_PRIVATE_KEY;
  const values: Record<string, unknown> = { ...input.values };
  /** Secret keys filled from the cluster's storage (as placeholders when not revealing). */
  const storedKeys = new Set<string>();
  let clusterId = PREVIEW_UUID;
  if (input.cluster_id) {
    const cluster = await loadCluster(ctx, input.cluster_id);
    clusterId = cluster.id;
    uuid = cluster.uuid;
    publicKey = cluster.sshPublicKey ?? publicKey;
    const stored = storedSecrets(ctx, cluster.secretValuesEncrypted, reveal);
    for (const key of secrets) {
      if ((values[key] === undefined || values[key] === null) && stored[key] !== undefined) {
        values[key] = stored[key];
        storedKeys.add(key);
      }
    }
    if (reveal && cluster.sshPrivateKeyEncrypted) {
      privateKey = ctx.encryptor.decrypt(cluster.sshPrivateKeyEncrypted);
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
  const specials = {
    dc_sshPublicKey: publicKey,
    dc_sshPrivateKey: privateKey,
    dc_clusterUUID: uuid,
    dc_domain: ctx.instance.publicHost,
    dc_caBundle: ctx.instance.caBundle,
  };
  const result = reveal
    ? await renderConfiguration(ctx, sections, renderValues, specials)
    : await renderPublicConfiguration(ctx, sections, renderValues, specials, secrets);
  // A stored secret read as a placeholder says nothing about the real value: not checked.
  const valueErrors = (validation.ok ? [] : validation.errors).filter(
    (e) => reveal || !storedKeys.has(e.path),
  );
  return {
    sections: result.texts,
    errors: [
      ...parsed.errors.map((e) => ({ section: 'params', line: e.line, message: e.message })),
      ...result.errors,
    ],
    value_errors: [...catalogs.errors, ...valueErrors],
    cluster_type: result.facts.clusterType,
  };
}

/**
 * The stored secret values of a cluster when revealing; otherwise only which are set, each as
 * its placeholder (the values go no further than this function).
 */
function storedSecrets(
  ctx: ServiceContext,
  message: string | null,
  reveal: boolean,
): Record<string, unknown> {
  const stored = readSecretValues(ctx, message);
  return reveal
    ? stored
    : Object.fromEntries(Object.keys(stored).map((key) => [key, secretPlaceholder(key)]));
}
