import type { Tunnel, TunnelHub } from './hub.js';

/**
 * Closes a held tunnel when the key it was opened with is no longer accepted. Whoever accepts
 * a tunnel records the key's hash here ({@link opened}); when the cluster's keys change, or it
 * is archived or deleted (the `clusters` trigger's NOTIFY), {@link changed} asks `stillValid`
 * and closes the tunnel if not. The agent reconnects with the key it has now, or is refused.
 */
export class TunnelKeyGuard {
  private readonly keys = new Map<string, { uuid: string; hash: string; tunnel: Tunnel }>();
  private readonly hub: TunnelHub;
  private readonly stillValid: (uuid: string, hash: string) => Promise<boolean>;
  private readonly onClosed: ((clusterId: string) => void) | undefined;

  constructor(
    hub: TunnelHub,
    stillValid: (uuid: string, hash: string) => Promise<boolean>,
    onClosed?: (clusterId: string) => void,
  ) {
    this.hub = hub;
    this.stillValid = stillValid;
    this.onClosed = onClosed;
  }

  /** Tunnel `tunnel` of cluster `uuid` was opened with the key whose hash is `hash`. */
  opened(tunnel: Tunnel, uuid: string, hash: string): void {
    const entry = { uuid, hash, tunnel };
    this.keys.set(tunnel.id, entry);
    tunnel.ws.once('close', () => {
      if (this.keys.get(tunnel.id) === entry) {
        this.keys.delete(tunnel.id);
      }
    });
  }

  /** Cluster `clusterId`'s keys changed (or it went): re-checks its held tunnel. */
  async changed(clusterId: string): Promise<void> {
    const entry = this.keys.get(clusterId);
    const tunnel = this.hub.get(clusterId);
    if (!entry || !tunnel || tunnel !== entry.tunnel) {
      return;
    }
    const ok = await this.stillValid(entry.uuid, entry.hash).catch(() => false);
    if (!ok && this.hub.get(clusterId) === tunnel) {
      tunnel.close();
      this.onClosed?.(clusterId);
    }
  }

  /** Tunnels whose opening key is recorded (tests). */
  get size(): number {
    return this.keys.size;
  }
}
