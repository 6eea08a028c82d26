import { useClusterContext } from '../cluster-context.js';
import { ClusterOverview } from '../components/cluster-overview.js';

export function ClusterOverviewTab() {
  const { slug, cluster } = useClusterContext();
  return <ClusterOverview slug={slug} cluster={cluster} />;
}
