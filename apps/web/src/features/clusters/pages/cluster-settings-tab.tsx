import { ClusterSettings } from '../../lifecycle/components/cluster-settings.js';
import { useClusterContext } from '../cluster-context.js';
import { DeleteClusterButton } from '../components/delete-cluster-button.js';

/** `/w/:slug/clusters/:clusterId/settings`: change mode, check, agent key, move, detach, delete. */
export function ClusterSettingsTab() {
  const { slug, cluster } = useClusterContext();
  return (
    <ClusterSettings
      slug={slug}
      cluster={cluster}
      deleteAction={<DeleteClusterButton slug={slug} cluster={cluster} />}
    />
  );
}
