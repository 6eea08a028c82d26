-- Issue 11: the cluster list's total without counting the workspace's clusters on every request
-- (packages/db/src/hot/clusters.ts). Each workspace's live clusters (archived_at IS NULL) and
-- archived ones, kept exactly by triggers on `clusters`, so every write path is covered (Prisma,
-- the hot statements, raw SQL, the cascade of a workspace's deletion). Inserts and deletes add
-- once per statement (one row per workspace, from the statement's transition table); an update
-- counts only when it moves a cluster to another workspace or in or out of the archive. Two
-- transactions writing clusters of one workspace serialize on its counts row (`SET n = n + d`
-- of one row; the first row by INSERT ... ON CONFLICT), so no count is lost; a statement that
-- touches several workspaces locks their rows in workspace order.
CREATE TABLE "workspace_cluster_counts" (
    "workspace_id" UUID NOT NULL,
    "live" INTEGER NOT NULL DEFAULT 0,
    "archived" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "workspace_cluster_counts_pkey" PRIMARY KEY ("workspace_id")
);

ALTER TABLE "workspace_cluster_counts" ADD CONSTRAINT "workspace_cluster_counts_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Adds `live` and `archived` (negative to subtract) to a workspace's counts.
CREATE FUNCTION commander_cluster_counts_add(ws uuid, d_live integer, d_archived integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF d_live = 0 AND d_archived = 0 THEN
    RETURN;
  END IF;
  INSERT INTO workspace_cluster_counts AS n (workspace_id, live, archived)
  VALUES (ws, d_live, d_archived)
  ON CONFLICT (workspace_id) DO UPDATE
    SET live = n.live + excluded.live, archived = n.archived + excluded.archived;
END
$$;

CREATE FUNCTION commander_cluster_counts_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  FOR d IN
    SELECT workspace_id, count(*) FILTER (WHERE archived_at IS NULL)::int AS live,
           count(*) FILTER (WHERE archived_at IS NOT NULL)::int AS archived
    FROM inserted GROUP BY workspace_id ORDER BY workspace_id
  LOOP
    PERFORM commander_cluster_counts_add(d.workspace_id, d.live, d.archived);
  END LOOP;
  RETURN NULL;
END
$$;

-- Only an UPDATE on rows that exist: a workspace being deleted may have lost its counts row
-- (ON DELETE CASCADE) before its clusters go.
CREATE FUNCTION commander_cluster_counts_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  FOR d IN
    SELECT workspace_id, count(*) FILTER (WHERE archived_at IS NULL)::int AS live,
           count(*) FILTER (WHERE archived_at IS NOT NULL)::int AS archived
    FROM deleted GROUP BY workspace_id ORDER BY workspace_id
  LOOP
    UPDATE workspace_cluster_counts
      SET live = live - d.live, archived = archived - d.archived
      WHERE workspace_id = d.workspace_id;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE FUNCTION commander_cluster_counts_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_live integer := (OLD.archived_at IS NULL)::int;
  new_live integer := (NEW.archived_at IS NULL)::int;
BEGIN
  IF OLD.workspace_id = NEW.workspace_id THEN
    PERFORM commander_cluster_counts_add(NEW.workspace_id, new_live - old_live, old_live - new_live);
  ELSIF OLD.workspace_id < NEW.workspace_id THEN
    PERFORM commander_cluster_counts_add(OLD.workspace_id, -old_live, old_live - 1);
    PERFORM commander_cluster_counts_add(NEW.workspace_id, new_live, 1 - new_live);
  ELSE
    PERFORM commander_cluster_counts_add(NEW.workspace_id, new_live, 1 - new_live);
    PERFORM commander_cluster_counts_add(OLD.workspace_id, -old_live, old_live - 1);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION commander_cluster_counts_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM workspace_cluster_counts;
  RETURN NULL;
END
$$;

-- The triggers and the backfill in one statement, under a lock that waits for the clusters
-- writes in flight and holds new ones until the migration commits: every cluster is counted
-- once, by the backfill or by a trigger.
DO $$
BEGIN
  LOCK TABLE clusters IN SHARE ROW EXCLUSIVE MODE;

  CREATE TRIGGER clusters_counts_inserted
  AFTER INSERT ON clusters REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION commander_cluster_counts_inserted();

  CREATE TRIGGER clusters_counts_deleted
  AFTER DELETE ON clusters REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION commander_cluster_counts_deleted();

  CREATE TRIGGER clusters_counts_updated
  AFTER UPDATE OF workspace_id, archived_at ON clusters
  FOR EACH ROW
  WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id
     OR (OLD.archived_at IS NULL) IS DISTINCT FROM (NEW.archived_at IS NULL))
  EXECUTE FUNCTION commander_cluster_counts_updated();

  CREATE TRIGGER clusters_counts_truncated
  AFTER TRUNCATE ON clusters
  FOR EACH STATEMENT EXECUTE FUNCTION commander_cluster_counts_truncated();

  INSERT INTO workspace_cluster_counts (workspace_id, live, archived)
  SELECT workspace_id, count(*) FILTER (WHERE archived_at IS NULL),
         count(*) FILTER (WHERE archived_at IS NOT NULL)
  FROM clusters GROUP BY workspace_id;
END
$$;

-- The list's other orders (the UI's sortable columns) read from an index too, as `attention`
-- and `name` do (20261206041600_cluster_list_sort): the unfiltered list then visits only its
-- page's rows. Each index's columns are exactly the statement's ORDER BY (ORDER_BY in
-- packages/db/src/hot/clusters.ts; the status expression is its STATUS_ALPHA_SQL: change both
-- together). No index on updated_at: every telemetry update of a cluster would then be a
-- non-HOT update.
CREATE INDEX "clusters_list_name_desc_idx" ON "clusters" ("workspace_id", "archive_number", "archived_at" DESC, "name" DESC, "id");

CREATE INDEX "clusters_list_created_idx" ON "clusters" ("workspace_id", "archive_number", "archived_at" DESC, "created_at", "id");

CREATE INDEX "clusters_list_created_desc_idx" ON "clusters" ("workspace_id", "archive_number", "archived_at" DESC, "created_at" DESC, "id");

CREATE INDEX "clusters_list_status_idx" ON "clusters" (
  "workspace_id", "archive_number", "archived_at" DESC,
  (CASE status WHEN 'CHANGING' THEN 0 WHEN 'CONFIGURATION_ERROR' THEN 1 WHEN 'CREATING' THEN 2 WHEN 'CREATION_FAILED' THEN 3 WHEN 'DELETE' THEN 4 WHEN 'DELETED' THEN 5 WHEN 'DELETION_FAILED' THEN 6 WHEN 'DESTRUCTIVE_CHANGES' THEN 7 WHEN 'DETACHED' THEN 8 WHEN 'IN_SYNC' THEN 9 WHEN 'JOINING' THEN 10 WHEN 'NEW' THEN 11 WHEN 'OUT_OF_SYNC' THEN 12 WHEN 'PENDING_CHANGES' THEN 13 WHEN 'READY_TO_JOIN' THEN 14 WHEN 'SYNCHRONIZATION_FAILURE' THEN 15 WHEN 'UNKNOWN' THEN 16 END),
  "name", "id"
);

CREATE INDEX "clusters_list_status_desc_idx" ON "clusters" (
  "workspace_id", "archive_number", "archived_at" DESC,
  (CASE status WHEN 'CHANGING' THEN 0 WHEN 'CONFIGURATION_ERROR' THEN 1 WHEN 'CREATING' THEN 2 WHEN 'CREATION_FAILED' THEN 3 WHEN 'DELETE' THEN 4 WHEN 'DELETED' THEN 5 WHEN 'DELETION_FAILED' THEN 6 WHEN 'DESTRUCTIVE_CHANGES' THEN 7 WHEN 'DETACHED' THEN 8 WHEN 'IN_SYNC' THEN 9 WHEN 'JOINING' THEN 10 WHEN 'NEW' THEN 11 WHEN 'OUT_OF_SYNC' THEN 12 WHEN 'PENDING_CHANGES' THEN 13 WHEN 'READY_TO_JOIN' THEN 14 WHEN 'SYNCHRONIZATION_FAILURE' THEN 15 WHEN 'UNKNOWN' THEN 16 END) DESC,
  "name", "id"
);
