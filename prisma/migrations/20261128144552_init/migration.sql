-- CreateEnum
CREATE TYPE "RoleScope" AS ENUM ('GLOBAL', 'WORKSPACE');

-- CreateEnum
CREATE TYPE "TokenScope" AS ENUM ('READ', 'WRITE');

-- CreateEnum
CREATE TYPE "CatalogUsage" AS ENUM ('SHARED', 'EXCLUSIVE');

-- CreateEnum
CREATE TYPE "ClusterStatus" AS ENUM ('NEW', 'CONFIGURATION_ERROR', 'CREATING', 'CREATION_FAILED', 'IN_SYNC', 'OUT_OF_SYNC', 'PENDING_CHANGES', 'DESTRUCTIVE_CHANGES', 'CHANGING', 'SYNCHRONIZATION_FAILURE', 'DELETE', 'DELETION_FAILED', 'DELETED', 'READY_TO_JOIN', 'JOINING', 'DETACHED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "ChangeMode" AS ENUM ('AUTO', 'MANUAL');

-- CreateEnum
CREATE TYPE "OperationKind" AS ENUM ('INSTALL', 'UPDATE', 'DELETE', 'CHECK', 'ATTACH', 'DETACH');

-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "ChangeRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'COMPLETED', 'REJECTED', 'SUPERSEDED');

-- CreateTable
CREATE TABLE "workspaces" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "is_disabled" BOOLEAN NOT NULL DEFAULT false,
    "last_seen_at" TIMESTAMPTZ(3),
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "remote_address" TEXT,
    "user_agent" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roles" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "scope" "RoleScope" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "permissions" TEXT[],
    "is_built_in" BOOLEAN NOT NULL DEFAULT false,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_bindings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "role_id" UUID NOT NULL,
    "workspace_id" UUID,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "role_bindings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "workspace_id" UUID,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scope" "TokenScope" NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_by_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auth_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster_templates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "current_cluster_template_version_id" UUID,
    "immutable" BOOLEAN NOT NULL DEFAULT false,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "archive_number" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "cluster_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster_template_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_template_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "available" BOOLEAN NOT NULL DEFAULT true,
    "params" JSONB NOT NULL DEFAULT '[]',
    "kubernetes_template" TEXT NOT NULL DEFAULT '',
    "placement_template" TEXT NOT NULL DEFAULT '',
    "ssh_template" TEXT NOT NULL DEFAULT '',
    "installation_template" TEXT NOT NULL DEFAULT '',
    "primary_resources_template" TEXT NOT NULL DEFAULT '',
    "resources" JSONB NOT NULL DEFAULT '[]',
    "created_by_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cluster_template_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalogs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '[]',
    "usage" "CatalogUsage" NOT NULL DEFAULT 'SHARED',
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "archive_number" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "catalogs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "records" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "catalog_id" UUID NOT NULL,
    "values" JSONB NOT NULL DEFAULT '{}',
    "secret_values_encrypted" TEXT,
    "cluster_id" UUID,
    "schema_matches" BOOLEAN NOT NULL DEFAULT true,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "archive_number" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster_record_usages" (
    "cluster_id" UUID NOT NULL,
    "record_id" UUID NOT NULL,
    "field_key" TEXT NOT NULL,

    CONSTRAINT "cluster_record_usages_pkey" PRIMARY KEY ("cluster_id","record_id","field_key")
);

-- CreateTable
CREATE TABLE "registries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "images_repo" TEXT NOT NULL,
    "scheme" TEXT NOT NULL DEFAULT 'HTTPS',
    "ca" TEXT NOT NULL DEFAULT '',
    "docker_config_encrypted" TEXT,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "registries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ClusterStatus" NOT NULL DEFAULT 'NEW',
    "cluster_template_version_id" UUID,
    "registry_id" UUID,
    "registry_mode" TEXT,
    "values" JSONB NOT NULL DEFAULT '{}',
    "secret_values_encrypted" TEXT,
    "cluster_type" TEXT,
    "change_mode" "ChangeMode" NOT NULL DEFAULT 'AUTO',
    "check_interval_seconds" INTEGER NOT NULL DEFAULT 600,
    "ssh_public_key" TEXT,
    "ssh_private_key_encrypted" TEXT,
    "dhctl_state_encrypted" TEXT,
    "desired_revision" INTEGER NOT NULL DEFAULT 1,
    "applied_revision" INTEGER,
    "desired_rendered_encrypted" TEXT,
    "applied_rendered_encrypted" TEXT,
    "render_errors" JSONB,
    "was_created" BOOLEAN NOT NULL DEFAULT false,
    "is_locked" BOOLEAN NOT NULL DEFAULT false,
    "connection_hosts" JSONB NOT NULL DEFAULT '{}',
    "cluster_configuration_checked_at" TIMESTAMPTZ(3),
    "cluster_configuration_applied_at" TIMESTAMPTZ(3),
    "cluster_configuration_updated_at" TIMESTAMPTZ(3),
    "cluster_template_version_switched_at" TIMESTAMPTZ(3),
    "next_check_at" TIMESTAMPTZ(3),
    "agent_key_hash" TEXT,
    "agent_status" TEXT NOT NULL DEFAULT 'unknown',
    "agent_last_seen_at" TIMESTAMPTZ(3),
    "agent_data" JSONB,
    "resources_version" TEXT,
    "resources_sync_state" TEXT NOT NULL DEFAULT 'no_data',
    "resources_state_results" JSONB NOT NULL DEFAULT '[]',
    "resources_checked_at" TIMESTAMPTZ(3),
    "resources_applied_at" TIMESTAMPTZ(3),
    "created_by_name" TEXT,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "archive_number" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster_operations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "kind" "OperationKind" NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'QUEUED',
    "phase" TEXT,
    "phases" JSONB NOT NULL DEFAULT '[]',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "desired_revision" INTEGER,
    "approve_destruction_change_id" TEXT,
    "requested_by_type" TEXT,
    "requested_by_id" TEXT,
    "requested_by_name" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "manager_replica_id" TEXT,
    "heartbeat_at" TIMESTAMPTZ(3),
    "last_completed_phase" TEXT,
    "phase_state_encrypted" TEXT,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "result" JSONB,
    "log_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cluster_operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operation_logs" (
    "id" BIGSERIAL NOT NULL,
    "operation_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "line" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operation_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "destructive" BOOLEAN NOT NULL DEFAULT false,
    "destructive_change_id" TEXT,
    "status" "ChangeRequestStatus" NOT NULL DEFAULT 'PENDING',
    "desired_revision" INTEGER,
    "diff" JSONB NOT NULL DEFAULT '{}',
    "check_result" JSONB,
    "operation_id" UUID,
    "approved_by_name" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "telemetry_samples" (
    "id" BIGSERIAL NOT NULL,
    "cluster_id" UUID NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "resolution" TEXT NOT NULL DEFAULT 'raw',
    "cpu_cores" DOUBLE PRECISION NOT NULL,
    "cpu_usage" DOUBLE PRECISION,
    "memory_bytes" DOUBLE PRECISION NOT NULL,
    "memory_used_bytes" DOUBLE PRECISION,
    "storage_bytes" DOUBLE PRECISION NOT NULL,
    "storage_used_bytes" DOUBLE PRECISION,
    "node_count" INTEGER NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "telemetry_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workspace_id" UUID,
    "workspace_slug" TEXT,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "auditable_type" TEXT NOT NULL,
    "auditable_id" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "remote_address" TEXT,
    "request_id" TEXT,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "manager_replicas" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "worker_id" TEXT,
    "current_operation_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "manager_replicas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "system_settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "workspaces_slug_key" ON "workspaces"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "roles_scope_name_key" ON "roles"("scope", "name");

-- CreateIndex
CREATE INDEX "role_bindings_user_id_idx" ON "role_bindings"("user_id");

-- CreateIndex
CREATE INDEX "role_bindings_workspace_id_idx" ON "role_bindings"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "auth_tokens_token_hash_key" ON "auth_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "auth_tokens_workspace_id_idx" ON "auth_tokens"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "cluster_templates_workspace_id_name_archive_number_key" ON "cluster_templates"("workspace_id", "name", "archive_number");

-- CreateIndex
CREATE UNIQUE INDEX "cluster_template_versions_cluster_template_id_number_key" ON "cluster_template_versions"("cluster_template_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "catalogs_workspace_id_slug_archive_number_key" ON "catalogs"("workspace_id", "slug", "archive_number");

-- CreateIndex
CREATE INDEX "records_catalog_id_idx" ON "records"("catalog_id");

-- CreateIndex
CREATE INDEX "records_cluster_id_idx" ON "records"("cluster_id");

-- CreateIndex
CREATE INDEX "cluster_record_usages_record_id_idx" ON "cluster_record_usages"("record_id");

-- CreateIndex
CREATE INDEX "registries_workspace_id_idx" ON "registries"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_uuid_key" ON "clusters"("uuid");

-- CreateIndex
CREATE INDEX "clusters_status_idx" ON "clusters"("status");

-- CreateIndex
CREATE INDEX "clusters_next_check_at_idx" ON "clusters"("next_check_at");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_workspace_id_name_archive_number_key" ON "clusters"("workspace_id", "name", "archive_number");

-- CreateIndex
CREATE INDEX "cluster_operations_cluster_id_created_at_idx" ON "cluster_operations"("cluster_id", "created_at");

-- CreateIndex
CREATE INDEX "cluster_operations_status_idx" ON "cluster_operations"("status");

-- CreateIndex
CREATE UNIQUE INDEX "operation_logs_operation_id_seq_key" ON "operation_logs"("operation_id", "seq");

-- CreateIndex
CREATE INDEX "change_requests_cluster_id_status_idx" ON "change_requests"("cluster_id", "status");

-- CreateIndex
CREATE INDEX "telemetry_samples_cluster_id_resolution_ts_idx" ON "telemetry_samples"("cluster_id", "resolution", "ts");

-- CreateIndex
CREATE INDEX "telemetry_samples_ts_idx" ON "telemetry_samples"("ts");

-- CreateIndex
CREATE INDEX "audit_events_auditable_type_auditable_id_ts_idx" ON "audit_events"("auditable_type", "auditable_id", "ts");

-- CreateIndex
CREATE INDEX "audit_events_workspace_id_ts_idx" ON "audit_events"("workspace_id", "ts");

-- CreateIndex
CREATE INDEX "audit_events_ts_idx" ON "audit_events"("ts");

-- CreateIndex
CREATE INDEX "manager_replicas_heartbeat_at_idx" ON "manager_replicas"("heartbeat_at");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_bindings" ADD CONSTRAINT "role_bindings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_bindings" ADD CONSTRAINT "role_bindings_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_bindings" ADD CONSTRAINT "role_bindings_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_templates" ADD CONSTRAINT "cluster_templates_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_template_versions" ADD CONSTRAINT "cluster_template_versions_cluster_template_id_fkey" FOREIGN KEY ("cluster_template_id") REFERENCES "cluster_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalogs" ADD CONSTRAINT "catalogs_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "records" ADD CONSTRAINT "records_catalog_id_fkey" FOREIGN KEY ("catalog_id") REFERENCES "catalogs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "records" ADD CONSTRAINT "records_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_record_usages" ADD CONSTRAINT "cluster_record_usages_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_record_usages" ADD CONSTRAINT "cluster_record_usages_record_id_fkey" FOREIGN KEY ("record_id") REFERENCES "records"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registries" ADD CONSTRAINT "registries_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_cluster_template_version_id_fkey" FOREIGN KEY ("cluster_template_version_id") REFERENCES "cluster_template_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_registry_id_fkey" FOREIGN KEY ("registry_id") REFERENCES "registries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_operations" ADD CONSTRAINT "cluster_operations_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operation_logs" ADD CONSTRAINT "operation_logs_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "cluster_operations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "telemetry_samples" ADD CONSTRAINT "telemetry_samples_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
