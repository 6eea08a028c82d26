import type { ClusterSettings } from '@commander/contracts';

/** Default minutes between configuration checks of a cluster. */
export const DEFAULT_CHECK_INTERVAL_MINUTES = 10;

/** Prisma columns for (partial) API settings; absent fields are left unchanged. */
export function settingsToColumns(settings: Partial<ClusterSettings> | undefined): {
  changeMode?: 'AUTO' | 'MANUAL';
  checkIntervalSeconds?: number;
} {
  const out: { changeMode?: 'AUTO' | 'MANUAL'; checkIntervalSeconds?: number } = {};
  if (settings?.change_mode !== undefined) {
    out.changeMode = settings.change_mode === 'manual' ? 'MANUAL' : 'AUTO';
  }
  if (settings?.check_interval !== undefined) {
    out.checkIntervalSeconds = settings.check_interval * 60;
  }
  return out;
}
