// Declarative apply (issue 16): plan, apply, apply again (nothing changes), a change planned with
// its values diff, rights per document, hostile documents.
import { createTestTemplate } from '@commander/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { useTestApp } from './helpers.js';

describe('POST /api/v1/apply', () => {
  const t = useTestApp();
  let templateYaml = '';
  const name = () => `fleet-${t.suffix}`;

  beforeAll(async () => {
    // A template in the export format, as a Git repository would hold it.
    const { templateId } = await createTestTemplate(t.db, t.defaultWorkspaceId, {
      name: `source-${t.suffix}`,
    });
    const exported = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cluster_templates/${templateId}/export`,
      headers: t.headers(),
    });
    expect(exported.statusCode).toBe(200);
    templateYaml = stringify({ ...parse(exported.body), name: name() });
  });

  const fleet = (values: Record<string, unknown>, extra = '') =>
    [
      templateYaml,
      stringify({
        kind: 'Catalog',
        name: `Hosts ${t.suffix}`,
        slug: `hosts-${t.suffix}`,
        params: [{ key: 'ip', type: 'string', title: 'IP' }],
        records: [{ values: { ip: '10.0.0.1' } }, { values: { ip: '10.0.0.2' } }],
      }),
      stringify({ kind: 'Cluster', name: `${name()}-a`, template: name(), values }),
      stringify({ kind: 'Cluster', name: `${name()}-b`, template: name(), values: {} }),
      extra,
    ]
      .filter(Boolean)
      .join('---\n');

  const apply = (documents: string, dryRun: boolean, token?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: t.headers(token),
      payload: { documents, dry_run: dryRun },
    });

  it('plans without changing anything, applies, and a second apply changes nothing', async () => {
    const docs = fleet({ kubeVersion: '1.29' });
    const plan = await apply(docs, true);
    expect(plan.statusCode, plan.body).toBe(200);
    expect(
      plan.json().changes.map((c: { kind: string; action: string }) => [c.kind, c.action]),
    ).toEqual([
      ['ClusterTemplate', 'create'],
      ['Catalog', 'create'],
      ['Cluster', 'create'],
      ['Cluster', 'create'],
    ]);
    expect(await t.db.clusterTemplate.count({ where: { name: name() } })).toBe(0);
    expect(await t.db.cluster.count({ where: { name: { startsWith: name() } } })).toBe(0);

    const applied = await apply(docs, false);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().summary).toEqual({ create: 4, update: 0, unchanged: 0 });
    expect(await t.db.cluster.count({ where: { name: { startsWith: name() } } })).toBe(2);
    expect(await t.db.record.count({ where: { catalog: { slug: `hosts-${t.suffix}` } } })).toBe(2);

    const again = await apply(docs, false);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().summary).toEqual({ create: 0, update: 0, unchanged: 4 });
    expect(await t.db.cluster.count({ where: { name: { startsWith: name() } } })).toBe(2);
  });

  it('plans a values change with its diff, then applies it as an update', async () => {
    const docs = fleet({ kubeVersion: '1.30', host: '10.0.0.9' });
    const plan = await apply(docs, true);
    expect(plan.statusCode, plan.body).toBe(200);
    const a = plan.json().changes.find((c: { name: string }) => c.name === `${name()}-a`);
    // kubeVersion is in the cluster's own configuration: possibly destructive.
    expect(a).toMatchObject({ action: 'update', destructive: 'possible' });
    expect(a.values_diff).toEqual([
      { path: 'host', before: null, after: '10.0.0.9', secret: false },
      { path: 'kubeVersion', before: '1.29', after: '1.30', secret: false },
    ]);
    const before = await t.db.cluster.findFirstOrThrow({ where: { name: `${name()}-a` } });
    const applied = await apply(docs, false);
    expect(applied.json().summary).toEqual({ create: 0, update: 1, unchanged: 3 });
    const after = await t.db.cluster.findFirstOrThrow({ where: { name: `${name()}-a` } });
    expect(after.currentRevision).toBe(before.currentRevision + 1);
    expect((after.values as Record<string, unknown>).kubeVersion).toBe('1.30');
  });

  it('adds a template version when the last version in the document differs', async () => {
    const doc = parse(templateYaml) as { versions: Record<string, unknown>[] };
    doc.versions.at(-1)!.comment = 'second';
    doc.versions.at(-1)!.installation_template = 'kind: InitConfiguration # changed\n';
    const plan = await apply(stringify(doc), true);
    expect(plan.json().changes[0]).toMatchObject({ action: 'update', kind: 'ClusterTemplate' });
    await apply(stringify(doc), false);
    const template = await t.db.clusterTemplate.findFirstOrThrow({
      where: { name: name() },
      include: { versions: true },
    });
    expect(template.versions).toHaveLength(2);
    expect((await apply(stringify(doc), false)).json().summary.unchanged).toBe(1);
  });

  it('a read token may plan but not apply; another workspace sees nothing of this one', async () => {
    const reader = await t.issueToken({ workspaceId: t.defaultWorkspaceId, scope: 'read' });
    const docs = fleet({ kubeVersion: '1.31' });
    expect((await apply(docs, true, reader)).statusCode).toBe(200);
    const refused = await apply(docs, false, reader);
    expect(refused.statusCode).toBe(403);
    const ws = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: t.headers(t.globalToken),
      payload: { name: `Other ${t.suffix}`, slug: `other-${t.suffix}` },
    });
    const other = await t.issueToken({ workspaceId: ws.json().id, scope: 'write' });
    const plan = await apply(
      stringify({ kind: 'Cluster', name: `${name()}-a`, template: name(), values: {} }),
      true,
      other,
    );
    expect(plan.statusCode).toBe(404);
    expect(await apply(docs, false, 'not-a-token')).toMatchObject({ statusCode: 401 });
  });

  it('refuses hostile and malformed documents', async () => {
    const bomb =
      'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
      Array.from(
        { length: 12 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ).join('\n');
    for (const documents of [
      'kind: Nope\nname: x\n',
      'kind: Cluster\n',
      ': : :\n',
      bomb,
      `${stringify({ kind: 'Cluster', name: 'dup', template: 'x' })}---\n${stringify({ kind: 'Cluster', name: 'dup', template: 'x' })}`,
    ]) {
      const res = await apply(documents, true);
      expect(res.statusCode, documents.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
  });
});
