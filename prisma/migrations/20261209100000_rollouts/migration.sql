-- Staged rollouts of a template version (issue 16). A rollout moves the chosen clusters of a
-- template to a target version wave by wave; the managers' `rollout/advance` task advances it.
CREATE TABLE "rollouts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "cluster_template_id" UUID NOT NULL,
    "cluster_template_version_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'planned',
    "wave_plan" JSONB NOT NULL,
    "wave_count" INTEGER NOT NULL,
    "current_wave" INTEGER NOT NULL DEFAULT 0,
    "soak_seconds" INTEGER NOT NULL,
    "pause_reason" TEXT,
    "created_by_name" TEXT,
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "rollouts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rollouts_status_check"
      CHECK ("status" IN ('planned', 'running', 'paused', 'completed', 'aborted'))
);

CREATE INDEX "rollouts_workspace_id_created_at_idx" ON "rollouts"("workspace_id", "created_at");
CREATE INDEX "rollouts_status_idx" ON "rollouts"("status");

ALTER TABLE "rollouts" ADD CONSTRAINT "rollouts_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rollouts" ADD CONSTRAINT "rollouts_cluster_template_id_fkey" FOREIGN KEY ("cluster_template_id") REFERENCES "cluster_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rollouts" ADD CONSTRAINT "rollouts_cluster_template_version_id_fkey" FOREIGN KEY ("cluster_template_version_id") REFERENCES "cluster_template_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "rollout_clusters" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "rollout_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "wave" INTEGER,
    "position" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "change" TEXT NOT NULL,
    "from_version_id" UUID,
    "target_revision" INTEGER,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "healthy_since" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollout_clusters_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rollout_clusters_state_check"
      CHECK ("state" IN ('pending', 'updating', 'awaiting_approval', 'soaking', 'done', 'failed', 'skipped')),
    CONSTRAINT "rollout_clusters_change_check"
      CHECK ("change" IN ('none', 'change', 'destructive', 'invalid'))
);

CREATE UNIQUE INDEX "rollout_clusters_rollout_id_cluster_id_key" ON "rollout_clusters"("rollout_id", "cluster_id");
CREATE INDEX "rollout_clusters_cluster_id_idx" ON "rollout_clusters"("cluster_id");

ALTER TABLE "rollout_clusters" ADD CONSTRAINT "rollout_clusters_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rollout_clusters" ADD CONSTRAINT "rollout_clusters_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Webhook events of rollouts, from the outbox like every other (ARCHITECTURE.md §5b): started
-- (inserted running, or planned → running), paused, resumed (paused → running), completed,
-- aborted, and wave.completed when current_wave moves past a wave.
CREATE FUNCTION commander_webhooks_rollout() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_data JSONB;
  v_type TEXT;
BEGIN
  IF NOT commander_webhooks_wanted() THEN
    RETURN NULL;
  END IF;
  v_data := jsonb_build_object('rollout_id', NEW.id,
    'cluster_template_id', NEW.cluster_template_id,
    'cluster_template_version_id', NEW.cluster_template_version_id,
    'status', NEW.status, 'pause_reason', NEW.pause_reason,
    'current_wave', NEW.current_wave, 'wave_count', NEW.wave_count);
  IF TG_OP = 'UPDATE' AND NEW.current_wave > OLD.current_wave THEN
    FOR i IN OLD.current_wave .. LEAST(NEW.current_wave, NEW.wave_count) - 1 LOOP
      PERFORM commander_emit_webhook_event(NEW.workspace_id, 'io.commander.rollout.wave.completed',
        'rollouts/' || NEW.id::text, v_data || jsonb_build_object('wave', i));
    END LOOP;
  END IF;
  IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
    v_type := CASE
      WHEN NEW.status = 'running' AND TG_OP = 'UPDATE' AND OLD.status = 'paused' THEN 'io.commander.rollout.resumed'
      WHEN NEW.status = 'running' THEN 'io.commander.rollout.started'
      WHEN NEW.status IN ('paused', 'completed', 'aborted') THEN 'io.commander.rollout.' || NEW.status
      ELSE NULL END;
    IF v_type IS NOT NULL THEN
      PERFORM commander_emit_webhook_event(NEW.workspace_id, v_type, 'rollouts/' || NEW.id::text, v_data);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER commander_webhooks_rollout_insert
  AFTER INSERT ON rollouts
  FOR EACH ROW
  WHEN (NEW.status <> 'planned')
  EXECUTE FUNCTION commander_webhooks_rollout();

CREATE TRIGGER commander_webhooks_rollout_update
  AFTER UPDATE OF status, current_wave ON rollouts
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR NEW.current_wave > OLD.current_wave)
  EXECUTE FUNCTION commander_webhooks_rollout();
