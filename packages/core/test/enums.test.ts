import {
  CatalogUsageSchema,
  ChangeModeSchema,
  ChangeRequestStatusSchema,
  ClusterStatusSchema,
  OperationKindSchema,
  OperationStatusSchema,
  RoleScopeSchema,
  TokenScopeSchema,
} from '@commander/contracts';
import {
  CatalogUsage,
  ChangeMode,
  ChangeRequestStatus,
  ClusterStatus,
  OperationKind,
  OperationStatus,
  RoleScope,
  TokenScope,
} from '@commander/db';
import { describe, expect, it } from 'vitest';

// The database's enums (prisma/schema.prisma, UPPER_CASE) and the API's (contracts,
// lower_case) name the same values: a value added on one side only would be stored but not
// served, or accepted but not storable.
describe('Prisma enums and contract enums', () => {
  const pairs: [string, Record<string, string>, readonly string[]][] = [
    ['ClusterStatus', ClusterStatus, ClusterStatusSchema.options],
    ['ChangeMode', ChangeMode, ChangeModeSchema.options],
    ['OperationKind', OperationKind, OperationKindSchema.options],
    ['OperationStatus', OperationStatus, OperationStatusSchema.options],
    ['ChangeRequestStatus', ChangeRequestStatus, ChangeRequestStatusSchema.options],
    ['RoleScope', RoleScope, RoleScopeSchema.options],
    ['TokenScope', TokenScope, TokenScopeSchema.options],
    ['CatalogUsage', CatalogUsage, CatalogUsageSchema.options],
  ];
  it.each(pairs)('%s holds the same values on both sides', (_name, prisma, contract) => {
    expect(
      Object.values(prisma)
        .map((v) => v.toLowerCase())
        .sort(),
    ).toEqual([...contract].sort());
  });
});
