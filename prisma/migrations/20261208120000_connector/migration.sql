-- The connector (issue 14): kubeconfig credentials (per user and cluster, hashed, expiring,
-- revocable) and the table of live agent tunnels (which connector replica holds each).
CREATE TABLE "kubeconfig_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kubeconfig_tokens_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "connector_tunnels" (
    "cluster_id" UUID NOT NULL,
    "replica_id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "connected_at" TIMESTAMPTZ(3) NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connector_tunnels_pkey" PRIMARY KEY ("cluster_id")
);

CREATE UNIQUE INDEX "kubeconfig_tokens_token_hash_key" ON "kubeconfig_tokens"("token_hash");

CREATE INDEX "kubeconfig_tokens_user_id_idx" ON "kubeconfig_tokens"("user_id");

CREATE INDEX "kubeconfig_tokens_cluster_id_idx" ON "kubeconfig_tokens"("cluster_id");

CREATE INDEX "connector_tunnels_replica_id_idx" ON "connector_tunnels"("replica_id");

ALTER TABLE "kubeconfig_tokens" ADD CONSTRAINT "kubeconfig_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "kubeconfig_tokens" ADD CONSTRAINT "kubeconfig_tokens_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "connector_tunnels" ADD CONSTRAINT "connector_tunnels_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
