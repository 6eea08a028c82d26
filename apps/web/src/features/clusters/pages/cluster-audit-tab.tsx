import { ClusterAudit } from '../../audit/components/cluster-audit.js';
import { useClusterContext } from '../cluster-context.js';

/** `/w/:slug/clusters/:clusterId/audit`: events about this cluster. */
export function ClusterAuditTab() {
  const { slug, cluster } = useClusterContext();
  return <ClusterAudit slug={slug} cluster={cluster} />;
}
