import { desiredResources } from '@commander/agent-client';
import { describe, expect, it } from 'vitest';

import { credentialsOf, readAgentState, rebaseUrl, syncVirtualResources } from './virtual-sync.js';

const ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const secret = (fields: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'commander-agent-credentials', namespace: 'd8-commander-agent' },
  ...fields,
});

describe('virtual sync helpers', () => {
  it('reads credentials from stringData or base64 data, with the ModuleConfig URL as fallback', () => {
    const url = `https://commander.example.com/agent_api/${ID}`;
    expect(
      credentialsOf([secret({ stringData: { token: 't', commander_url: url } })], null, null),
    ).toEqual({
      token: 't',
      commanderUrl: url,
    });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    expect(credentialsOf([secret({ data: { token: b64('t2') } })], url, null)).toEqual({
      token: 't2',
      commanderUrl: url,
    });
    expect(credentialsOf([secret({ data: { token: b64('t2') } })], null, null)).toBeNull();
    expect(credentialsOf([], url, null)).toBeNull();
    expect(
      credentialsOf(
        [secret({ stringData: { token: 't', commander_url: url } })],
        null,
        'http://api:8080',
      ),
    ).toEqual({ token: 't', commanderUrl: `http://api:8080/agent_api/${ID}` });
  });

  it('rebases URLs onto the override, keeping a base path', () => {
    expect(rebaseUrl(`https://c.example.com/agent_api/${ID}`, 'http://127.0.0.1:9000')).toBe(
      `http://127.0.0.1:9000/agent_api/${ID}`,
    );
    expect(rebaseUrl(`https://c.example.com/agent_api/${ID}`, 'http://proxy/commander/')).toBe(
      `http://proxy/commander/agent_api/${ID}`,
    );
    expect(rebaseUrl('not a url', 'http://x')).toBe('not a url');
  });

  it('applies, keeps its state ConfigMap, and changes nothing on an idempotent pass', () => {
    const desired = desiredResources([
      {
        name: 'g',
        sync_mode: 'managed',
        resources: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' } },
        ],
      },
    ]);
    const first = syncVirtualResources({
      resources: [{ apiVersion: 'deckhouse.io/v1', kind: 'InitConfiguration' }],
      desired,
      mode: 'full',
      failedKeys: new Set(),
      injectedErrors: new Map(),
    });
    expect(first.resources?.map((d) => d.kind)).toEqual([
      'InitConfiguration',
      'ConfigMap',
      'ConfigMap',
    ]);
    expect(readAgentState(first.resources ?? []).applied).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'n',
        name: 'a',
        group: 'g',
        syncMode: 'managed',
      },
    ]);
    const again = syncVirtualResources({
      resources: first.resources ?? [],
      desired,
      mode: 'full',
      failedKeys: new Set(),
      injectedErrors: new Map(),
    });
    expect(again.resources).toBeNull();
    expect(again.results.map((r) => r.status)).toEqual(['applied']);
  });
});
