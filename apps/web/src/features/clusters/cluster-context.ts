import type { Cluster } from '@commander/contracts';
import { useOutletContext } from 'react-router';

/** What the cluster page hands to its tabs. */
export type ClusterOutletContext = { slug: string; cluster: Cluster };

export function useClusterContext(): ClusterOutletContext {
  return useOutletContext<ClusterOutletContext>();
}
