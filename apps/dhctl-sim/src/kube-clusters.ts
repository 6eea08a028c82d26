// Every virtual cluster's Kubernetes API (@commander/kube-sim), created on first use and kept in
// step with the cluster: its nodes follow the simulator's nodes, it goes away with the cluster.
// Served on the control API's HTTP server under `/kube/<cluster uuid>/<Kubernetes API path>`
// (tests, and the simulated agent's tunnel to Commander's connector).
import type http from 'node:http';
import type { Duplex } from 'node:stream';

import { createKubeSim, type KubeSim, type KubeSimNode } from '@commander/kube-sim';

import { kubernetesVersionOf, type VirtualCluster } from './cluster-model.js';
import type { ClusterStore } from './cluster-store.js';

/** The URL prefix of the simulated Kubernetes APIs. */
export const KUBE_PREFIX = '/kube/';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function nodesOf(cluster: VirtualCluster): KubeSimNode[] {
  return cluster.nodes.map((node) => ({ name: node.name, role: node.role }));
}

function versionOf(cluster: VirtualCluster): string | undefined {
  const version = kubernetesVersionOf(cluster);
  return /^\d+\.\d+$/.test(version) ? `${version}.4` : undefined;
}

/** The simulated Kubernetes APIs of the virtual clusters. */
export class KubeClusters {
  readonly #clusters: ClusterStore;
  readonly #sims = new Map<string, KubeSim>();
  readonly #unsubscribe: () => void;

  constructor(clusters: ClusterStore) {
    this.#clusters = clusters;
    this.#unsubscribe = clusters.onChange((change) => {
      const sim = this.#sims.get(change.cluster.uuid);
      if (!sim) return;
      if (change.type === 'removed') {
        sim.close();
        this.#sims.delete(change.cluster.uuid);
      } else sim.syncNodes(nodesOf(change.cluster));
    });
  }

  /** The cluster's API (created on first use), or null when there is no such cluster. */
  get(uuid: string): KubeSim | null {
    const existing = this.#sims.get(uuid);
    if (existing) return existing;
    const cluster = this.#clusters.get(uuid);
    if (!cluster) return null;
    const version = versionOf(cluster);
    const sim = createKubeSim({
      clusterName: cluster.prefix ?? cluster.uuid,
      nodes: nodesOf(cluster),
      ...(version ? { kubernetesVersion: version } : {}),
    });
    this.#sims.set(uuid, sim);
    return sim;
  }

  /** Splits `/kube/<uuid>/rest`; null when the path is not under {@link KUBE_PREFIX}. */
  #route(request: http.IncomingMessage): { sim: KubeSim | null; url: string } | null {
    const url = request.url ?? '/';
    if (!url.startsWith(KUBE_PREFIX)) return null;
    const rest = url.slice(KUBE_PREFIX.length);
    const slash = rest.search(/[/?]/);
    const uuid = slash < 0 ? rest : rest.slice(0, slash);
    const inner = slash < 0 ? '/' : rest.slice(slash);
    return {
      sim: UUID.test(uuid) ? this.get(uuid.toLowerCase()) : null,
      url: inner.startsWith('/') ? inner : `/${inner}`,
    };
  }

  /** Answers a request under `/kube/`; returns false for any other path. */
  handle(request: http.IncomingMessage, response: http.ServerResponse): boolean {
    const routed = this.#route(request);
    if (!routed) return false;
    if (!routed.sim) {
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'no such virtual cluster',
        reason: 'NotFound',
        code: 404,
      });
      response.writeHead(404, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
      return true;
    }
    request.url = routed.url;
    routed.sim.handle(request, response);
    return true;
  }

  /** Answers an upgrade (exec) under `/kube/`; other upgrades are refused. */
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const routed = this.#route(request);
    if (!routed?.sim) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    request.url = routed.url;
    routed.sim.handleUpgrade(request, socket, head);
  }

  /** Ends every stream and forgets the APIs. */
  close(): void {
    this.#unsubscribe();
    for (const sim of this.#sims.values()) sim.close();
    this.#sims.clear();
  }
}
