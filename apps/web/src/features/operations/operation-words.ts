import {
  OPERATION_KINDS,
  OPERATION_STATUSES,
  type OperationKind,
  type OperationStatus,
} from '@commander/contracts';
import type { TFunction } from 'i18next';

/** "Installation", "Update"…; unknown kinds (from a newer API) show as sent. */
export function operationKindWord(kind: string, t: TFunction): string {
  return (OPERATION_KINDS as readonly string[]).includes(kind)
    ? t(`operationKind.${kind as OperationKind}`)
    : kind;
}

/** "Queued", "Running"…; unknown statuses show as sent. */
export function operationStatusWord(status: string, t: TFunction): string {
  return (OPERATION_STATUSES as readonly string[]).includes(status)
    ? t(`operationStatus.${status as OperationStatus}`)
    : status;
}

/** Colour of an operation status (always shown with its word and an icon). */
export function operationStatusColor(status: string): string {
  switch (status) {
    case 'succeeded':
      return 'teal';
    case 'failed':
      return 'red';
    case 'running':
      return 'blue';
    case 'queued':
      return 'gray';
    default:
      return 'gray';
  }
}

/** Whether the operation can still change (so its views keep refreshing). */
export function isOperationActive(status: string): boolean {
  return status === 'queued' || status === 'running';
}
