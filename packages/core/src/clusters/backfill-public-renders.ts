import type { TemplateSections } from '@commander/contracts';
import { type Db, Prisma } from '@commander/db';
import { parseParams, secretKeys, validateValues } from '@commander/renderer';

import {
  publicRenderedConfig,
  renderConfiguration,
  renderPublicConfiguration,
} from '../cluster-state/render-configuration.js';
import {
  decryptRendered,
  publicRenderedJson,
  publicScannedClusterConfiguration,
  type RenderedConfig,
  withheldPublicConfig,
} from '../cluster-state/rendered-config.js';
import type { Encryptor } from '../context.js';
import { type InstanceInfo, type ServiceContext, silentLogger } from '../context.js';
import { decryptSecretValues } from '../security/secret-values.js';

export type BackfillReport = {
  /** Clusters whose desired public render was filled in. */
  filled: number;
  /** Clusters whose stored configuration could not be reproduced: withheld until re-rendered. */
  withheld: number;
};

/**
 * Gives clusters stored before public renders existed (migration `public_renders`) their public
 * renders. The real render cannot be turned into a public one (that was masking), so the
 * cluster's template version is rendered again with its stored values: when that reproduces
 * the stored desired configuration exactly, the same render with placeholders is its public
 * render (and the applied one's, when applied equals desired). Anything else stays withheld
 * (null) until the cluster's configuration is next rendered. Idempotent; safe to run from
 * several API replicas at once.
 */
export async function backfillPublicRenders(
  db: Db,
  encryptor: Encryptor,
  instance: InstanceInfo,
): Promise<BackfillReport> {
  const ctx: ServiceContext = {
    db,
    actor: { type: 'system', id: null, name: 'public-render backfill' },
    workspace: null,
    permissions: new Set(),
    log: silentLogger,
    encryptor,
    instance,
    auditSink: () => undefined,
  };
  const report: BackfillReport = { filled: 0, withheld: 0 };
  const rows = await db.cluster.findMany({
    where: {
      desiredRenderedPublic: { equals: Prisma.DbNull },
      desiredRenderedEncrypted: { not: null },
    },
    include: { clusterTemplateVersion: true },
  });
  for (const row of rows) {
    const version = row.clusterTemplateVersion;
    const desired = decryptRendered(encryptor, row.desiredRenderedEncrypted);
    if (!version && desired) {
      // Attached: nothing was rendered from a template; what came from outside is withheld.
      const applied = decryptRendered(encryptor, row.appliedRenderedEncrypted);
      await db.cluster.updateMany({
        where: { id: row.id, desiredRenderedEncrypted: row.desiredRenderedEncrypted },
        data: {
          desiredRenderedPublic: publicRenderedJson(outsidePublicConfig(desired)),
          ...(applied
            ? { appliedRenderedPublic: publicRenderedJson(outsidePublicConfig(applied)) }
            : {}),
        },
      });
      report.filled += 1;
      continue;
    }
    if (!version || !desired || row.renderErrors !== null) {
      report.withheld += 1;
      continue;
    }
    const params = parseParams(version.params as unknown[]);
    const secrets = secretKeys(params.fields);
    const stored = {
      ...(row.values as Record<string, unknown>),
      ...decryptSecretValues(encryptor, row.secretValuesEncrypted),
    };
    const validation = validateValues(params.fields, stored);
    const values = validation.ok ? validation.values : stored;
    const sections: TemplateSections = {
      kubernetes_template: version.kubernetesTemplate,
      placement_template: version.placementTemplate,
      ssh_template: version.sshTemplate,
      installation_template: version.installationTemplate,
      primary_resources_template: version.primaryResourcesTemplate,
      resources: version.resources as never,
    };
    const specials = {
      dc_sshPublicKey: row.sshPublicKey ?? '',
      dc_sshPrivateKey: row.sshPrivateKeyEncrypted
        ? encryptor.decrypt(row.sshPrivateKeyEncrypted)
        : '',
      dc_clusterUUID: row.uuid,
      dc_domain: instance.publicHost,
      dc_caBundle: instance.caBundle,
    };
    const real = await renderConfiguration(ctx, sections, values, specials);
    if (real.rendered === null || JSON.stringify(real.rendered) !== JSON.stringify(desired)) {
      report.withheld += 1;
      continue;
    }
    const pub = publicRenderedConfig(
      sections,
      await renderPublicConfiguration(ctx, sections, values, specials, secrets),
    );
    const applied = decryptRendered(encryptor, row.appliedRenderedEncrypted);
    const appliedMatches = applied !== null && JSON.stringify(applied) === JSON.stringify(desired);
    await db.cluster.updateMany({
      where: { id: row.id, desiredRenderedEncrypted: row.desiredRenderedEncrypted },
      data: {
        desiredRenderedPublic: publicRenderedJson(pub),
        ...(appliedMatches ? { appliedRenderedPublic: publicRenderedJson(pub) } : {}),
      },
    });
    report.filled += 1;
  }
  return report;
}

/** The public form of a configuration read from outside (attach): see `completeAttach`. */
export function outsidePublicConfig(config: RenderedConfig): RenderedConfig {
  return {
    ...withheldPublicConfig(config, null, [
      'provider_specific_cluster_configuration',
      'connection_config',
    ]),
    cluster_configuration: publicScannedClusterConfiguration(config.cluster_configuration),
  };
}
