-- Server-side sorting of the cluster list (packages/db/src/hot/clusters.ts). The expression of
-- the attention index is the text of ATTENTION_RANK_SQL there: change both together. Prisma's
-- schema cannot express expression indexes; this one lives in migrations only.
CREATE INDEX "clusters_list_attention_idx" ON "clusters" (
  "workspace_id", "archive_number", "archived_at" DESC,
  (CASE WHEN status IN ('CONFIGURATION_ERROR', 'CREATION_FAILED', 'SYNCHRONIZATION_FAILURE', 'DELETION_FAILED') THEN 0 WHEN status IN ('NEW', 'CREATING', 'CHANGING', 'DELETE', 'JOINING', 'OUT_OF_SYNC', 'PENDING_CHANGES', 'DESTRUCTIVE_CHANGES') THEN 1 ELSE 2 END),
  "name", "id"
);

CREATE INDEX "clusters_list_name_idx" ON "clusters" ("workspace_id", "archive_number", "archived_at" DESC, "name", "id");
