import { Stack } from '@mantine/core';

import { canInWorkspace } from '../../auth/permissions.js';
import { ChangeRequestsPanel } from '../../change-requests/components/change-requests-panel.js';
import { ReadyToJoinPanel } from '../../lifecycle/components/ready-to-join-panel.js';
import { RecoveryActions } from '../../lifecycle/components/recovery-actions.js';
import { RetryAlert } from '../../lifecycle/components/retry-alert.js';
import { ClusterTelemetry } from '../../telemetry/components/cluster-telemetry.js';
import { useCurrentWorkspace } from '../../workspaces/use-workspace.js';
import { useClusterContext } from '../cluster-context.js';
import { ClusterOverview } from '../components/cluster-overview.js';

/** What needs attention first (failure, join, pending changes), then health, then the rest. */
export function ClusterOverviewTab() {
  const { slug, cluster } = useClusterContext();
  const { me } = useCurrentWorkspace();
  const canWrite = canInWorkspace(me, slug, 'clusters:write');
  return (
    <Stack gap="md">
      <RetryAlert slug={slug} cluster={cluster} canWrite={canWrite} />
      <RecoveryActions slug={slug} cluster={cluster} canWrite={canWrite} />
      <ReadyToJoinPanel slug={slug} cluster={cluster} canWrite={canWrite} />
      <ChangeRequestsPanel slug={slug} cluster={cluster} canDecide={canWrite} mode="pending" />
      <ClusterTelemetry slug={slug} cluster={cluster} />
      <ClusterOverview slug={slug} cluster={cluster} />
    </Stack>
  );
}
