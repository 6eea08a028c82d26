// Shared setup of the agent's tests: a fake Kubernetes API and a KubeClient on it.
import { KubeConfig } from '@kubernetes/client-node';

import { createKubeClient, type KubeClient } from '../src/index.js';
import type { FakeKube } from './fake-kube-server.js';

export const CLUSTER_ID = '7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
export const AGENT_KEY = 'agent-key-test';

/** A KubeClient talking to the fake server through a real kubeconfig (token auth). */
export function kubeClientFor(fake: FakeKube): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: fake.url, skipTLSVerify: true }],
    users: [{ name: 'agent', token: fake.token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'agent' }],
    currentContext: 'fake',
  });
  return createKubeClient(kc, { timeoutMs: 5000 });
}

export function namespace(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function configMap(name: string, ns: string, data: Record<string, string> = { key: name }) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export function moduleConfig(name: string, settings: Record<string, unknown> = {}) {
  return {
    apiVersion: 'deckhouse.io/v1alpha1',
    kind: 'ModuleConfig',
    metadata: { name },
    spec: { enabled: true, version: 1, settings },
  };
}

/** base64 of a string (Secret data). */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
