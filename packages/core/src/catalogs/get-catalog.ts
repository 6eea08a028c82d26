import { type Catalog } from '@commander/contracts';

import { type ServiceContext } from '../context.js';
import { loadCatalog, recordCounts, toCatalogDto } from './shared.js';

export async function getCatalog(ctx: ServiceContext, id: string): Promise<Catalog> {
  const row = await loadCatalog(ctx, id);
  return toCatalogDto(row, (await recordCounts(ctx, [id])).get(id) ?? { total: 0, used: 0 });
}
