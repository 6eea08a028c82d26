import { ClusterConfiguration } from '../../cluster-configuration/components/cluster-configuration.js';
import { useClusterContext } from '../cluster-context.js';

/** `/w/:slug/clusters/:clusterId/configuration`: the cluster's input values and configuration. */
export function ClusterConfigurationTab() {
  const { slug, cluster } = useClusterContext();
  return <ClusterConfiguration slug={slug} cluster={cluster} />;
}
