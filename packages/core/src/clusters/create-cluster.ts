import { randomUUID } from 'node:crypto';

import type { Cluster, CreateClusterBody } from '@commander/contracts';
import { CreateClusterBodySchema } from '@commander/contracts';
import { generateSshKeyPair } from '@commander/crypto';
import { type Prisma } from '@commander/db';

import { recordAudit } from '../audit/record-audit.js';
import { CLUSTER_DTO_INCLUDE, toClusterDto } from '../cluster-state/cluster-dto.js';
import { assertClusterNameFree, rethrowClusterNameTaken } from '../cluster-state/cluster-name.js';
import { queueOperation } from '../cluster-state/queue-operation.js';
import { encryptRendered, publicRenderedJson } from '../cluster-state/rendered-config.js';
import type { ServiceContext } from '../context.js';
import { notifyChange } from '../events/notify.js';
import { clusterRegistry } from '../registries/registries.js';
import { encryptSecretValues } from '../security/secret-values.js';
import { requireWorkspace } from '../workspaces/require-workspace.js';
import { getUsableVersion } from './get-usable-version.js';
import { prepareConfiguration } from './prepare-configuration.js';
import { applyRecordUsages } from './record-usages.js';
import { recordClusterRevision } from './revisions.js';
import { settingsToColumns } from './settings.js';

/**
 * Registers a cluster from a template version and input values and, when its configuration
 * renders and validates, queues its installation in the same transaction. A configuration that
 * does not render leaves the cluster in configuration_error with render_errors and no operation.
 * @throws AppError not_found (template version), template_version_unavailable, name_taken.
 */
export async function createCluster(
  ctx: ServiceContext,
  body: CreateClusterBody,
): Promise<Cluster> {
  const input = CreateClusterBodySchema.parse(body);
  const workspace = requireWorkspace(ctx);
  const version = await getUsableVersion(ctx, input.cluster_template_version_id);
  const registry = await clusterRegistry(ctx, input.registry_id, input.registry_mode);
  await assertClusterNameFree(ctx, workspace.id, input.name);

  const id = randomUUID();
  const uuid = id;
  const ssh = generateSshKeyPair(`commander-${uuid}`);
  const now = new Date();

  try {
    // Prepared inside the transaction that stores the cluster: records `autoselect` picks are
    // locked (FOR UPDATE SKIP LOCKED) until it commits, so concurrent creates pick distinct ones.
    const { row, prepared } = await ctx.db.$transaction(
      async (tx) => {
        const prepared = await prepareConfiguration(ctx, {
          version,
          values: input.values,
          clusterId: id,
          clusterUuid: uuid,
          sshPublicKey: ssh.publicKey,
          sshPrivateKey: ssh.privateKey,
          registry: registry.registry,
          allocateIn: tx,
        });
        const isValid = prepared.errors.length === 0 && prepared.rendered !== null;
        const data: Prisma.ClusterUncheckedCreateInput = {
          id,
          uuid,
          workspaceId: workspace.id,
          name: input.name,
          status: isValid ? 'NEW' : 'CONFIGURATION_ERROR',
          clusterTemplateVersionId: version.id,
          registryId: input.registry_id ?? null,
          registryMode: registry.mode,
          values: prepared.publicValues as Prisma.InputJsonValue,
          secretValuesEncrypted: encryptSecretValues(ctx.encryptor, prepared.secretValues),
          clusterType: prepared.clusterType,
          sshPublicKey: ssh.publicKey,
          sshPrivateKeyEncrypted: ctx.encryptor.encrypt(ssh.privateKey),
          desiredRevision: 1,
          desiredRenderedEncrypted: prepared.rendered
            ? encryptRendered(ctx.encryptor, prepared.rendered)
            : null,
          desiredRenderedPublic: prepared.publicRendered
            ? publicRenderedJson(prepared.publicRendered)
            : undefined,
          renderErrors: isValid ? undefined : prepared.publicErrors,
          connectionHosts: prepared.connectionHosts,
          clusterConfigurationUpdatedAt: now,
          templateVersionSwitchedAt: now,
          createdByName: ctx.actor.name,
          ...settingsToColumns(input.settings),
        };
        await tx.cluster.create({ data });
        if (isValid) {
          await recordClusterRevision(tx, {
            clusterId: id,
            revision: 1,
            clusterTemplateVersionId: version.id,
            values: prepared.publicValues,
            secretValuesEncrypted: data.secretValuesEncrypted ?? null,
          });
        }
        await applyRecordUsages(tx, id, prepared.recordUsages);
        await recordAudit(tx, ctx, {
          action: 'create',
          auditableType: 'Cluster',
          auditableId: id,
          changes: {
            name: input.name,
            cluster_template_version_id: version.id,
            values: prepared.publicValues,
            status: isValid ? 'new' : 'configuration_error',
          },
        });
        if (isValid) {
          await queueOperation(tx, ctx, {
            clusterId: id,
            workspaceId: workspace.id,
            kind: 'INSTALL',
            desiredRevision: 1,
          });
        }
        await notifyChange(tx, {
          type: 'cluster',
          id,
          workspace_id: workspace.id,
          cluster_id: id,
          action: 'create',
        });
        const row = await tx.cluster.findUniqueOrThrow({
          where: { id },
          include: CLUSTER_DTO_INCLUDE,
        });
        return { row, prepared };
      },
      // Many creates at once wait for a connection rather than fail.
      { maxWait: 30_000, timeout: 60_000 },
    );
    return toClusterDto(row, {
      withRendered: true,
      encryptor: ctx.encryptor,
      secretKeys: Object.keys(prepared.secretValues),
    });
  } catch (error) {
    rethrowClusterNameTaken(error, input.name);
  }
}
