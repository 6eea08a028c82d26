import { ClusterResources } from '../../resources/components/cluster-resources.js';
import { useClusterContext } from '../cluster-context.js';

/** `/w/:slug/clusters/:clusterId/resources`. */
export function ClusterResourcesTab() {
  const { cluster } = useClusterContext();
  return <ClusterResources cluster={cluster} />;
}
