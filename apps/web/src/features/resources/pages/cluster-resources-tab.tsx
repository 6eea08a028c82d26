import { useClusterContext } from '../../clusters/cluster-context.js';
import { ClusterResources } from '../components/cluster-resources.js';

/** `/w/:slug/clusters/:clusterId/resources`. */
export function ClusterResourcesTab() {
  const { cluster } = useClusterContext();
  return <ClusterResources cluster={cluster} />;
}
