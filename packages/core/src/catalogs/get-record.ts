import { type InventoryRecord } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { loadRecord, toRecordDtos } from './shared.js';

export async function getRecord(ctx: ServiceContext, id: string): Promise<InventoryRecord> {
  const row = await loadRecord(ctx, id);
  return (await toRecordDtos(ctx, [row]))[0]!;
}
