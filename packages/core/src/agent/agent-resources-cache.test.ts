import { createHash } from 'node:crypto';

import { AgentResourcesSchema } from '@commander/contracts';
import { createEncryptor, generateEncryptionKeys } from '@commander/crypto';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import {
  AGENT_GROUP,
  agentCredentialsSecret,
  agentResourcesBody,
  agentUrl,
  agentWorkloadResources,
  buildAgentResources,
} from './agent-resources.js';
import { AgentResourcesCache } from './agent-resources-cache.js';

describe('AgentResourcesCache versions', () => {
  it('serves and keeps nothing while it cannot hear invalidations', () => {
    const cache = new AgentResourcesCache();
    cache.remember('c1', 'v1', cache.mark);
    expect(cache.version('c1')).toBeUndefined();
    cache.setListening(true);
    cache.remember('c1', 'v1', cache.mark);
    expect(cache.version('c1')).toBe('v1');
    cache.setListening(false);
    expect(cache.version('c1')).toBeUndefined();
    cache.setListening(true);
    expect(cache.version('c1')).toBeUndefined(); // emptied, not just hidden
  });

  it('an invalidation drops the version; a read that raced one is not kept', () => {
    const cache = new AgentResourcesCache();
    cache.setListening(true);
    cache.remember('c1', 'v1', cache.mark);
    cache.remember('c2', 'v2', cache.mark);
    cache.invalidate('c1');
    expect(cache.version('c1')).toBeUndefined();
    expect(cache.version('c2')).toBe('v2');
    // Read before a change's notification arrived: what was read may be the old content.
    const mark = cache.mark;
    cache.invalidate('c3');
    cache.remember('c1', 'stale', mark);
    expect(cache.version('c1')).toBeUndefined();
    cache.clear();
    expect(cache.version('c2')).toBeUndefined();
  });

  it('holds at most maxVersions clusters, the oldest out first', () => {
    const cache = new AgentResourcesCache({ maxVersions: 2 });
    cache.setListening(true);
    cache.remember('a', '1', cache.mark);
    cache.remember('b', '2', cache.mark);
    cache.remember('c', '3', cache.mark);
    expect(cache.size).toBe(2);
    expect(cache.version('a')).toBeUndefined();
    expect(cache.version('c')).toBe('3');
  });

  it("keeps what a version's document is built from, dropped with it, within its byte budget", () => {
    const cache = new AgentResourcesCache({ maxDocumentBytes: 10 });
    cache.setListening(true);
    const source = (json: string) => ({
      template: { groups: [], json },
      uuid: 'u',
      agentKeyEncrypted: 'ciphertext',
    });
    const s1 = source('[1,2,3]');
    cache.remember('c1', 'v1', cache.mark, s1);
    expect(cache.document('c1')).toEqual({ version: 'v1', source: s1 });
    // The same version again without a source (a 304 read from the stored stamp) keeps it.
    cache.remember('c1', 'v1', cache.mark);
    expect(cache.document('c1')?.source).toBe(s1);
    // Another version without a source: the old document is gone with the old version.
    cache.remember('c1', 'v2', cache.mark);
    expect(cache.version('c1')).toBe('v2');
    expect(cache.document('c1')).toBeUndefined();
    // Beyond the budget a version is kept without its document.
    const s2 = source('[4,5,6]');
    cache.remember('c2', 'v1', cache.mark, s2);
    cache.remember('c3', 'v1', cache.mark, source('[7,8,9]'));
    expect(cache.document('c2')?.source).toBe(s2);
    expect(cache.version('c3')).toBe('v1');
    expect(cache.document('c3')).toBeUndefined();
    // An invalidation (a change's notification) drops the document and frees its bytes.
    cache.invalidate('c2');
    expect(cache.document('c2')).toBeUndefined();
    cache.remember('c3', 'v1', cache.mark, source('[7,8,9]'));
    expect(cache.document('c3')?.version).toBe('v1');
    cache.setListening(false);
    expect(cache.document('c3')).toBeUndefined();
  });

  it('parses a render once while it is held; least recently used out first', () => {
    const cache = new AgentResourcesCache({ maxTemplates: 2 });
    let parses = 0;
    const parse = () => {
      parses++;
      return [];
    };
    cache.template('x', parse);
    cache.template('x', parse);
    cache.template('y', parse);
    cache.template('x', parse); // x is now the most recent
    cache.template('z', parse); // y goes
    cache.template('x', parse);
    expect(parses).toBe(3);
    cache.template('y', parse);
    expect(parses).toBe(4);
  });
});

describe('buildAgentResources', () => {
  const encryptor = createEncryptor(generateEncryptionKeys());
  const yaml = [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    '  name: apps',
    '  annotations:',
    // Strings a JSON writer must escape: quotes, backslash, </script>, U+2028, control chars.
    `    note: "say \\"hi\\" \\\\ </script> \\u2028 \\t \\u0001 ünï"`,
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: cm, namespace: apps }',
    'data: { n: "12", big: "1e400" }',
  ].join('\n');
  const render = encryptor.encrypt(
    JSON.stringify({
      cluster_configuration: 'kind: ClusterConfiguration',
      resources: [
        { name: 'main', sync_mode: 'managed', yaml },
        { name: 'extra', sync_mode: 'unmanaged', yaml: '' },
      ],
    }),
  );
  const key = 'cmdra_agent-key';
  const inputs = {
    uuid: '6d1f5c64-2a8e-4f57-9d70-0b0e8b3f5a11',
    desiredRenderedEncrypted: render,
    agentKeyEncrypted: encryptor.encrypt(key),
  };

  /** The resources as they were built before the cache: every group parsed and hashed whole. */
  function reference(image: string | null) {
    const groups = [
      {
        name: 'main',
        sync_mode: 'managed',
        resources: parseAllDocuments(yaml).map((d) => d.toJS() as object),
      },
      { name: 'extra', sync_mode: 'unmanaged', resources: [] },
      {
        name: AGENT_GROUP,
        sync_mode: 'managed',
        resources: [
          agentCredentialsSecret(key, agentUrl('https://c.example/', inputs.uuid)),
          ...(image ? agentWorkloadResources(image) : []),
        ],
      },
    ];
    const version = createHash('sha256').update(JSON.stringify(groups)).digest('hex').slice(0, 32);
    return { version, groups };
  }

  it.each([null, 'registry.example/agent:1'])(
    'builds the same version and body with or without the cache (image %s)',
    (image) => {
      const cache = new AgentResourcesCache();
      const plain = buildAgentResources(encryptor, inputs, 'https://c.example/', image);
      const first = buildAgentResources(encryptor, inputs, 'https://c.example/', image, cache);
      const again = buildAgentResources(encryptor, inputs, 'https://c.example/', image, cache);
      expect(first).toEqual(plain);
      expect(again).toEqual(plain);
      const ref = reference(image);
      expect(plain.version).toBe(ref.version);
      const body: unknown = JSON.parse(plain.body);
      expect(body).toEqual({
        version: ref.version,
        groups: ref.groups,
        poll_interval_seconds: 30,
        telemetry_interval_seconds: 30,
      });
      // What the route's schema serializer would have written: nothing stripped or added.
      expect(AgentResourcesSchema.parse(body)).toEqual(body);
      // Written again from the cached source (the key kept encrypted): the same body.
      expect(first.source.agentKeyEncrypted).toBe(inputs.agentKeyEncrypted);
      expect(
        agentResourcesBody(encryptor, first.version, first.source, 'https://c.example/', image),
      ).toBe(plain.body);
    },
  );

  it("a cluster's own key and URL are never taken from another cluster sharing the render", () => {
    const cache = new AgentResourcesCache();
    const other = {
      uuid: '0b7a7f8e-3c1d-4e55-8f00-6a2b9c4d1e22',
      desiredRenderedEncrypted: render,
      agentKeyEncrypted: encryptor.encrypt('cmdra_other-key'),
    };
    const a = buildAgentResources(encryptor, inputs, 'https://c.example', null, cache);
    const b = buildAgentResources(encryptor, other, 'https://c.example', null, cache);
    expect(a.version).not.toBe(b.version);
    expect(b.body).toContain('cmdra_other-key');
    expect(b.body).not.toContain(key);
    expect(b.body).toContain(other.uuid);
    expect(b.body).not.toContain(inputs.uuid);
  });

  it('without a render or a key: only what there is', () => {
    const none = buildAgentResources(
      encryptor,
      { uuid: inputs.uuid, desiredRenderedEncrypted: null, agentKeyEncrypted: null },
      'https://c.example',
      null,
      new AgentResourcesCache(),
    );
    expect(JSON.parse(none.body)).toMatchObject({ groups: [] });
    const keyOnly = buildAgentResources(
      encryptor,
      { ...inputs, desiredRenderedEncrypted: null },
      'https://c.example',
      null,
      new AgentResourcesCache(),
    );
    expect(
      (JSON.parse(keyOnly.body) as { groups: { name: string }[] }).groups.map((g) => g.name),
    ).toEqual([AGENT_GROUP]);
  });
});
