-- Token rights: a token carries at most its issuer's permissions.
-- permissions: the explicit set fixed at issue (scope's permissions ∩ the issuer's rights then);
-- created_by_user_id / created_by_token_id: the issuer, followed at each authentication.
-- No foreign keys: the rows outlive their issuer (they are revoked, not deleted, with it).

-- AlterTable
ALTER TABLE "auth_tokens" ADD COLUMN     "created_by_token_id" UUID,
ADD COLUMN     "created_by_user_id" UUID,
ADD COLUMN     "permissions" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "auth_tokens_created_by_user_id_idx" ON "auth_tokens"("created_by_user_id");

-- CreateIndex
CREATE INDEX "auth_tokens_created_by_token_id_idx" ON "auth_tokens"("created_by_token_id");

-- Backfill 1: the issuer of existing tokens (created_by_id held a user or a token id).
UPDATE "auth_tokens" t SET "created_by_user_id" = t."created_by_id"
WHERE t."created_by_id" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "users" u WHERE u."id" = t."created_by_id");

UPDATE "auth_tokens" t SET "created_by_token_id" = t."created_by_id"
WHERE t."created_by_id" IS NOT NULL
  AND t."created_by_user_id" IS NULL
  AND EXISTS (SELECT 1 FROM "auth_tokens" p WHERE p."id" = t."created_by_id");

-- Backfill 2: tokens whose issuer no longer exists (a deleted user) are revoked, as deleting a
-- user now revokes the tokens they issued. Tokens without an issuer (bootstrap, system) stay.
UPDATE "auth_tokens" t SET "revoked_at" = CURRENT_TIMESTAMP
WHERE t."created_by_id" IS NOT NULL
  AND t."created_by_user_id" IS NULL
  AND t."created_by_token_id" IS NULL
  AND t."revoked_at" IS NULL;

-- Backfill 3: the permissions of the scope, as packages/core/src/permissions.ts defines them
-- at this migration (tokenScopePermissions): a workspace token has the workspace admin (write)
-- or viewer (read) permissions; a global write token the global admin's, including the
-- workspace admin permissions a global admin holds in every workspace; a global read token
-- the global viewer's.
UPDATE "auth_tokens" t SET "permissions" = CASE
  WHEN t."workspace_id" IS NOT NULL AND t."scope" = 'WRITE' THEN
    ARRAY['clusters:read', 'clusters:write', 'clusters:secrets:read', 'cluster_templates:read', 'cluster_templates:write', 'catalogs:read', 'catalogs:write', 'registries:read', 'registries:write', 'workspace_tokens:read', 'workspace_tokens:write', 'workspace_audit:read', 'workspace_members:read', 'workspace_members:write']::text[]
  WHEN t."workspace_id" IS NOT NULL THEN
    ARRAY['clusters:read', 'cluster_templates:read', 'catalogs:read', 'registries:read', 'workspace_tokens:read', 'workspace_audit:read', 'workspace_members:read']::text[]
  WHEN t."scope" = 'WRITE' THEN
    ARRAY['workspaces:read', 'workspaces:write', 'users:read', 'users:write', 'roles:read', 'roles:write', 'role_bindings:read', 'role_bindings:write', 'global_tokens:read', 'global_tokens:write', 'audit:read', 'clusters:read', 'clusters:write', 'clusters:secrets:read', 'cluster_templates:read', 'cluster_templates:write', 'catalogs:read', 'catalogs:write', 'registries:read', 'registries:write', 'workspace_tokens:read', 'workspace_tokens:write', 'workspace_audit:read', 'workspace_members:read', 'workspace_members:write']::text[]
  ELSE
    ARRAY['workspaces:read', 'users:read', 'roles:read', 'role_bindings:read', 'global_tokens:read', 'audit:read']::text[]
END;

-- Backfill 4: a token issued by a user keeps only what that user holds now (global bindings,
-- plus bindings in the token's workspace; a global admin is workspace admin everywhere; a
-- :write implies the matching :read). Tokens issued by tokens are bounded at authentication.
UPDATE "auth_tokens" t SET "permissions" = ARRAY(
  SELECT p FROM unnest(t."permissions") AS p
  WHERE p IN (
    SELECT x.perm
    FROM "role_bindings" b
    JOIN "roles" r ON r."id" = b."role_id"
    CROSS JOIN LATERAL unnest(r."permissions" || CASE
      WHEN r."scope" = 'GLOBAL' AND r."name" = 'admin' AND b."workspace_id" IS NULL THEN
        ARRAY['clusters:read', 'clusters:write', 'clusters:secrets:read', 'cluster_templates:read', 'cluster_templates:write', 'catalogs:read', 'catalogs:write', 'registries:read', 'registries:write', 'workspace_tokens:read', 'workspace_tokens:write', 'workspace_audit:read', 'workspace_members:read', 'workspace_members:write']::text[]
      ELSE ARRAY[]::text[] END) AS g(perm)
    CROSS JOIN LATERAL unnest(ARRAY[g.perm, regexp_replace(g.perm, ':write$', ':read')]) AS x(perm)
    WHERE b."user_id" = t."created_by_user_id"
      AND (b."workspace_id" IS NULL OR b."workspace_id" = t."workspace_id")
  )
  ORDER BY p
)
WHERE t."created_by_user_id" IS NOT NULL;
