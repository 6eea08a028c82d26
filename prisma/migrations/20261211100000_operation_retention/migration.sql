-- Issue 11: operation retention (packages/core/src/operations/retention.ts). The periodic
-- expiry looks for finished operations older than a cutoff: the status index gains the creation
-- time, so each finished status is one range scan from its oldest row (the queries by status
-- alone still use its prefix; no index is added to the check's write path).
DROP INDEX "cluster_operations_status_idx";
CREATE INDEX "cluster_operations_status_created_at_idx" ON "cluster_operations"("status", "created_at");

-- "Is there a newer operation of this kind on the cluster?" (the latest of each kind is kept) in
-- one index probe for the rare kinds (install, update, delete, attach, detach...): without it a
-- probe for an old install walks every check of the cluster since. Checks (the volume) are not
-- in it; a check's probe finds the next check among the cluster's next few operations.
CREATE INDEX "cluster_operations_latest_of_kind_idx" ON "cluster_operations"("cluster_id", "kind", "created_at") WHERE (kind <> 'CHECK');
