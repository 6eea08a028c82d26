import type { ClusterStatus } from '@commander/contracts';
import {
  type Icon,
  IconAlertTriangle,
  IconCircleCheck,
  IconCircleDashed,
  IconCircleX,
  IconClockPause,
  IconHelpCircle,
  IconLink,
  IconLoader2,
  IconPlugConnectedX,
  IconShieldExclamation,
  IconTrash,
  IconTrashX,
} from '@tabler/icons-react';

export type StatusLook = { color: string; icon: Icon };

/** Colour and icon of every cluster status; the word comes from `clusterStatus.<status>`. */
export const CLUSTER_STATUS_LOOK: Record<ClusterStatus, StatusLook> = {
  new: { color: 'gray', icon: IconCircleDashed },
  configuration_error: { color: 'red', icon: IconAlertTriangle },
  creating: { color: 'blue', icon: IconLoader2 },
  creation_failed: { color: 'red', icon: IconCircleX },
  in_sync: { color: 'teal', icon: IconCircleCheck },
  out_of_sync: { color: 'yellow', icon: IconAlertTriangle },
  pending_changes: { color: 'yellow', icon: IconClockPause },
  destructive_changes: { color: 'orange', icon: IconShieldExclamation },
  changing: { color: 'blue', icon: IconLoader2 },
  synchronization_failure: { color: 'red', icon: IconCircleX },
  delete: { color: 'grape', icon: IconTrash },
  deletion_failed: { color: 'red', icon: IconTrashX },
  deleted: { color: 'gray', icon: IconTrash },
  ready_to_join: { color: 'cyan', icon: IconLink },
  joining: { color: 'blue', icon: IconLoader2 },
  detached: { color: 'gray', icon: IconPlugConnectedX },
  unknown: { color: 'gray', icon: IconHelpCircle },
};
