-- CreateTable
CREATE TABLE "cluster_revisions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "cluster_template_version_id" UUID,
    "values" JSONB NOT NULL DEFAULT '{}',
    "secret_values_encrypted" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cluster_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cluster_revisions_cluster_id_revision_key" ON "cluster_revisions"("cluster_id", "revision");

-- AddForeignKey
ALTER TABLE "cluster_revisions" ADD CONSTRAINT "cluster_revisions_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: the current configuration of every cluster whose values render is its desired revision.
INSERT INTO "cluster_revisions" ("cluster_id", "revision", "cluster_template_version_id", "values", "secret_values_encrypted")
SELECT "id", "desired_revision", "cluster_template_version_id", "values", "secret_values_encrypted"
FROM "clusters" WHERE "render_errors" IS NULL AND "archived_at" IS NULL;
