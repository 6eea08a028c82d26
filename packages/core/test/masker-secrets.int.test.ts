// The operation masker's rendered secrets, stored encrypted with the digest of the renders they
// were found in, so a replica builds a cluster's first masker without parsing its YAML.
import { WORKSPACE_PERMISSIONS } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys, hashToken } from '@commander/crypto';
import type { Db } from '@commander/db';
import { createTestDatabase, type TestDatabase } from '@commander/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { decryptRendered, encryptRendered } from '../src/cluster-state/rendered-config.js';
import {
  bootstrapInstallation,
  checkClusterNow,
  type ClaimedOperation,
  claimOperation,
  completeCheckInSync,
  completeInstall,
  createCluster,
  ensureAgentKey,
  type ServiceContext,
  silentLogger,
} from '../src/index.js';
import { operationMaskers } from '../src/operations/execution.js';
import { createOperationMasker, secretsInRenderedConfig } from '../src/operations/log-masking.js';
import { readMaskerSecrets, renderedSecretsKey } from '../src/operations/masker-secrets.js';
import { createTestTemplate, TEST_TEMPLATE_SECTIONS } from '../src/testing/index.js';

const PASSWORD = 'correct-horse-battery-staple';
const LITERAL = 'literal-template-secret-value';

describe('masker secrets stored with the renders', () => {
  let database: TestDatabase;
  let db: Db;
  let ctx: ServiceContext;
  let versionId = '';
  let n = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const boot = await bootstrapInstallation(db, {});
    const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: 'default' } });
    // A resource group with a Kubernetes Secret: secrets only the rendered YAML holds (one from
    // a password value, one written into the template itself).
    const template = await createTestTemplate(db, workspace.id, {
      resources: [
        ...TEST_TEMPLATE_SECTIONS.resources,
        {
          name: 'creds',
          sync_mode: 'managed',
          template: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  admin: {{ .adminPassword | quote }}\n  literal: ${LITERAL}\n`,
        },
      ],
    });
    versionId = template.versionId;
    ctx = {
      db,
      actor: { type: 'user', id: null, name: 'tester@example.com' },
      workspace: { id: workspace.id, slug: workspace.slug },
      permissions: new Set<string>(WORKSPACE_PERMISSIONS),
      log: silentLogger,
      encryptor: createEncryptor(generateEncryptionKeys()),
      instance: {
        publicHost: 'commander.test',
        publicUrl: 'http://commander.test',
        caBundle: '',
        commanderUuid: boot.commanderUuid,
      },
      auditSink: () => undefined,
    };
  });
  afterAll(async () => {
    await database?.drop();
  });
  // Each claim below is a fresh replica's: no masker cached in this process.
  beforeEach(() => operationMaskers.clear());

  async function claimNext(clusterId: string): Promise<ClaimedOperation> {
    const op = await db.clusterOperation.findFirstOrThrow({
      where: { clusterId, status: 'QUEUED' },
      orderBy: { createdAt: 'asc' },
    });
    const claimed = await claimOperation(db, ctx.encryptor, op.id, 'replica-1', 'instance-1', {
      agentKey: op.kind === 'INSTALL',
    });
    if (!claimed || claimed === 'busy') {
      throw new Error(`operation ${op.id} was not claimed`);
    }
    return claimed;
  }

  /** A masker built the old way, from every rendered YAML document of the stored renders. */
  async function maskerFromYaml(clusterId: string) {
    const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    return createOperationMasker({
      sshPrivateKey: ctx.encryptor.decrypt(row.sshPrivateKeyEncrypted!),
      agentKey: row.agentKeyEncrypted ? ctx.encryptor.decrypt(row.agentKeyEncrypted) : null,
      secretValues: { adminPassword: PASSWORD },
      desired: decryptRendered(ctx.encryptor, row.desiredRenderedEncrypted),
      applied: decryptRendered(ctx.encryptor, row.appliedRenderedEncrypted),
    });
  }

  async function installed(password = PASSWORD): Promise<string> {
    const cluster = await createCluster(ctx, {
      name: `masker-${++n}`,
      cluster_template_version_id: versionId,
      values: { adminPassword: password },
    });
    const claimed = await claimNext(cluster.id);
    // An install stores the public render as the applied one: its claim reads it.
    expect(claimed.desiredPublic).not.toBeNull();
    // Nothing stored for a new cluster's render: the claim parsed it.
    expect(claimed.renderedSecrets.parsed).toBe(true);
    expect(claimed.renderedSecrets.list()).toEqual(expect.arrayContaining([password, LITERAL]));
    // The install's claim gave the cluster its agent key (stored hashed and encrypted), and
    // the masker masks it.
    const keyed = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(claimed.agentKey).toBeTruthy();
    expect(keyed.agentKeyHash).toBe(hashToken(claimed.agentKey!));
    expect(ctx.encryptor.decrypt(keyed.agentKeyEncrypted!)).toBe(claimed.agentKey);
    expect(claimed.masker.mask(`key ${claimed.agentKey}`)).not.toContain(claimed.agentKey);
    await completeInstall(ctx, claimed, { state: '{"uuid":"c2VjcmV0"}' });
    return cluster.id;
  }

  it("an install's claim keeps an agent key the cluster already has", async () => {
    const cluster = await createCluster(ctx, {
      name: `masker-${++n}`,
      cluster_template_version_id: versionId,
      values: {},
    });
    const key = await db.$transaction((tx) => ensureAgentKey(tx, ctx.encryptor, cluster.id));
    const before = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    const claimed = await claimNext(cluster.id);
    expect(claimed.agentKey).toBe(key);
    const after = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(after.agentKeyHash).toBe(before.agentKeyHash);
    expect(after.agentKeyEncrypted).toBe(before.agentKeyEncrypted);
    expect(after.status).toBe('CREATING');
  });

  it('an install stores them, encrypted, for the renders it leaves; a fresh replica reads them', async () => {
    const clusterId = await installed();
    const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(row.status).toBe('IN_SYNC');
    // The applied render is the desired one, stored without encrypting it again.
    expect(row.appliedRenderedEncrypted).toBe(row.desiredRenderedEncrypted);
    expect(row.appliedRenderedPublic).toEqual(row.desiredRenderedPublic);
    expect(row.appliedRenderedPublic).not.toBeNull();
    expect(row.appliedRevision).toBe(1);
    const stored = row.maskerSecretsEncrypted!;
    expect(stored).toBeTruthy();
    for (const secret of [PASSWORD, LITERAL, Buffer.from(PASSWORD).toString('base64')]) {
      expect(stored).not.toContain(secret);
    }
    const key = renderedSecretsKey(row.desiredRenderedEncrypted, row.appliedRenderedEncrypted);
    const list = readMaskerSecrets(ctx.encryptor, stored, key);
    const desired = decryptRendered(ctx.encryptor, row.desiredRenderedEncrypted);
    const applied = decryptRendered(ctx.encryptor, row.appliedRenderedEncrypted);
    expect(new Set(list)).toEqual(new Set(secretsInRenderedConfig(desired, applied)));
    // Another key (other renders) reads nothing.
    expect(readMaskerSecrets(ctx.encryptor, stored, renderedSecretsKey(null, null))).toBeNull();

    // The cluster's first check on a fresh replica: no YAML parsed, the same secrets masked.
    await checkClusterNow(ctx, clusterId);
    const check = await claimNext(clusterId);
    expect(check.renderedSecrets.parsed).toBe(false);
    const fromYaml = await maskerFromYaml(clusterId);
    expect(check.masker.size).toBe(fromYaml.size);
    const sshKey = ctx.encryptor.decrypt(row.sshPrivateKeyEncrypted!);
    const text = [
      `admin=${PASSWORD}`,
      `literal: ${LITERAL}`,
      `b64 ${Buffer.from(PASSWORD).toString('base64')}`,
      JSON.stringify({ key: sshKey }),
      ...sshKey.split('\n'),
      'registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=',
      'nothing secret here',
    ];
    expect(check.masker.maskLines(text)).toEqual(fromYaml.maskLines(text));
    expect(check.masker.mask(`admin=${PASSWORD}`)).not.toContain(PASSWORD);
    expect(check.masker.mask(`literal: ${LITERAL}`)).not.toContain(LITERAL);
    // Its completion leaves what is stored as it is (nothing was parsed).
    expect(
      await completeCheckInSync(
        ctx,
        check,
        { state: '{"uuid":"c2VjcmV0"}', verdict: { status: 'InSync' } },
        { instanceId: 'instance-1' },
      ),
    ).toBe('done');
    const after = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(after.maskerSecretsEncrypted).toBe(stored);
  });

  it("a check's claim leaves the public render out and reads an applied render equal to the desired one once", async () => {
    const clusterId = await installed();
    const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    // The install applied the desired render as stored: the same ciphertext in both columns.
    expect(row.appliedRenderedEncrypted).toBe(row.desiredRenderedEncrypted);
    expect(row.desiredRenderedPublic).not.toBeNull();
    await checkClusterNow(ctx, clusterId);
    const check = await claimNext(clusterId);
    expect(check.operation.kind).toBe('CHECK');
    // A check never stores the public render: the claim does not read it.
    expect(check.desiredPublic).toBeNull();
    expect(check.renderedSecrets.desiredEncrypted).toBe(row.desiredRenderedEncrypted);
    expect(check.renderedSecrets.appliedEncrypted).toBe(row.appliedRenderedEncrypted);
    expect(check.applied).toEqual(decryptRendered(ctx.encryptor, row.appliedRenderedEncrypted));
    expect(check.desired).toEqual(check.applied);
    await completeCheckInSync(
      ctx,
      check,
      { state: '{"uuid":"c2VjcmV0"}', verdict: { status: 'InSync' } },
      { instanceId: 'instance-1' },
    );
    // A desired render that differs from the applied one: each comes with its own ciphertext.
    const desired = decryptRendered(ctx.encryptor, row.desiredRenderedEncrypted)!;
    const newer = {
      ...desired,
      cluster_configuration: `${desired.cluster_configuration}\n# newer`,
    };
    await db.cluster.update({
      where: { id: clusterId },
      data: { desiredRenderedEncrypted: encryptRendered(ctx.encryptor, newer) },
    });
    const changed = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    await checkClusterNow(ctx, clusterId);
    const second = await claimNext(clusterId);
    expect(second.renderedSecrets.desiredEncrypted).toBe(changed.desiredRenderedEncrypted);
    expect(second.renderedSecrets.appliedEncrypted).toBe(row.appliedRenderedEncrypted);
    expect(second.desired).toEqual(newer);
    expect(second.applied).toEqual(desired);
  });

  it("a replica's cached masker is its cluster's own and is rebuilt when an in-sync cluster's renders change", async () => {
    const passwordA = 'first-cluster-password-aaaa';
    const passwordB = 'second-cluster-password-bbbb';
    const a = await installed(passwordA);
    const b = await installed(passwordB);
    const checkOnce = async (clusterId: string) => {
      await checkClusterNow(ctx, clusterId);
      const claimed = await claimNext(clusterId);
      await completeCheckInSync(
        ctx,
        claimed,
        { state: '{"uuid":"c2VjcmV0"}', verdict: { status: 'InSync' } },
        { instanceId: 'instance-1' },
      );
      return claimed;
    };
    // One replica (this process) checks both clusters, twice: the second claims use the cache.
    for (let round = 0; round < 2; round++) {
      const checkA = await checkOnce(a);
      const checkB = await checkOnce(b);
      expect(checkA.masker.mask(`pw ${passwordA}`)).toBe('pw [MASKED]');
      expect(checkB.masker.mask(`pw ${passwordB}`)).toBe('pw [MASKED]');
      // Each cluster's masker holds its own secrets only.
      expect(checkA.masker.mask(`pw ${passwordB}`)).toBe(`pw ${passwordB}`);
      expect(checkB.masker.mask(`pw ${passwordA}`)).toBe(`pw ${passwordA}`);
    }
    // Cluster A in sync with a new secret in its render, both columns holding one new
    // ciphertext (what an install leaves): the cached masker no longer applies.
    const row = await db.cluster.findUniqueOrThrow({ where: { id: a } });
    expect(row.appliedRenderedEncrypted).toBe(row.desiredRenderedEncrypted);
    const rotated = 'rotated-cluster-password-cccc';
    const desired = decryptRendered(ctx.encryptor, row.desiredRenderedEncrypted)!;
    const renewed = encryptRendered(ctx.encryptor, {
      ...desired,
      resources: desired.resources.map((group) => ({
        ...group,
        yaml: group.yaml.replaceAll(passwordA, rotated),
      })),
    });
    await db.cluster.update({
      where: { id: a },
      data: { desiredRenderedEncrypted: renewed, appliedRenderedEncrypted: renewed },
    });
    const after = await checkOnce(a);
    expect(after.renderedSecrets.parsed).toBe(true);
    expect(after.masker.mask(`pw ${rotated}`)).toBe('pw [MASKED]');
  });

  it('renders written since are parsed, and the check stores their secrets for the next replica', async () => {
    const clusterId = await installed();
    const row = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    // The same configuration encrypted again (as a key rotation or a new render would): other
    // ciphertexts, so what is stored no longer applies.
    const desired = decryptRendered(ctx.encryptor, row.desiredRenderedEncrypted)!;
    await db.cluster.update({
      where: { id: clusterId },
      data: { desiredRenderedEncrypted: encryptRendered(ctx.encryptor, desired) },
    });
    await checkClusterNow(ctx, clusterId);
    const check = await claimNext(clusterId);
    expect(check.renderedSecrets.parsed).toBe(true);
    expect(check.masker.size).toBe((await maskerFromYaml(clusterId)).size);
    expect(
      await completeCheckInSync(
        ctx,
        check,
        { state: '{"uuid":"c2VjcmV0"}', verdict: { status: 'InSync' } },
        { instanceId: 'instance-1' },
      ),
    ).toBe('done');
    const after = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(after.maskerSecretsEncrypted).not.toBe(row.maskerSecretsEncrypted);
    expect(
      readMaskerSecrets(
        ctx.encryptor,
        after.maskerSecretsEncrypted,
        renderedSecretsKey(after.desiredRenderedEncrypted, after.appliedRenderedEncrypted),
      ),
    ).toEqual(expect.arrayContaining([PASSWORD, LITERAL]));
    // The next replica's claim reads them.
    operationMaskers.clear();
    await checkClusterNow(ctx, clusterId);
    expect((await claimNext(clusterId)).renderedSecrets.parsed).toBe(false);
  });
});
