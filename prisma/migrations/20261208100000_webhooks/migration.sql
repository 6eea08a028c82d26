-- Outgoing webhooks (issue 16). A subscription of a workspace names a URL, an encrypted signing
-- secret and the CloudEvents types it wants; a delivery is one event for one subscription, sent
-- (and retried) by the managers' `webhook/delivery` task.
CREATE TABLE "webhook_subscriptions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "url" TEXT NOT NULL,
    "secret_encrypted" TEXT NOT NULL,
    "event_types" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "failure_streak" INTEGER NOT NULL DEFAULT 0,
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "current_revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_subscriptions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "webhook_subscriptions_workspace_id_active_idx" ON "webhook_subscriptions"("workspace_id", "active");

ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "subscription_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "response_code" INTEGER,
    "latency_ms" INTEGER,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "webhook_deliveries_subscription_id_created_at_idx" ON "webhook_deliveries"("subscription_id", "created_at");

ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The outbox. Called in the transaction of the change (by the triggers below, and by any use
-- case through emitWebhookEvent): one delivery row and one graphile job per active
-- subscription of the workspace that wants the type; nothing at all otherwise.
CREATE FUNCTION commander_emit_webhook_event(p_workspace UUID, p_type TEXT, p_subject TEXT, p_data JSONB)
RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  v_event_id UUID;
  v_payload JSONB;
  v_sub RECORD;
  v_delivery UUID;
  v_count INTEGER := 0;
BEGIN
  IF p_workspace IS NULL THEN
    RETURN 0;
  END IF;
  FOR v_sub IN
    SELECT id FROM webhook_subscriptions
     WHERE workspace_id = p_workspace AND active AND p_type = ANY (event_types)
  LOOP
    IF v_event_id IS NULL THEN
      v_event_id := gen_random_uuid();
      v_payload := jsonb_build_object(
        'specversion', '1.0',
        'id', v_event_id::text,
        'source', '/workspaces/' || p_workspace::text,
        'type', p_type,
        'subject', p_subject,
        'time', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'datacontenttype', 'application/json',
        'data', p_data);
    END IF;
    INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, next_attempt_at)
    VALUES (v_sub.id, v_event_id, p_type, v_payload, now())
    RETURNING id INTO v_delivery;
    PERFORM graphile_worker.add_job('webhook/delivery',
      json_build_object('deliveryId', v_delivery, 'attempt', 1),
      max_attempts := 5, priority := 5);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END $$;

-- Whether any subscription is active at all: one probe of a tiny table, so the triggers below
-- cost nothing more than that while no workspace uses webhooks.
CREATE FUNCTION commander_webhooks_wanted() RETURNS BOOLEAN LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE active)
$$;

-- Cluster status and agent state. The WHEN clauses keep every other UPDATE of clusters
-- (telemetry, resource polls, keys) from calling anything.
CREATE FUNCTION commander_webhooks_cluster() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT commander_webhooks_wanted() THEN
    RETURN NULL;
  END IF;
  IF OLD.status IS DISTINCT FROM NEW.status THEN
    PERFORM commander_emit_webhook_event(NEW.workspace_id, 'io.commander.cluster.status_changed',
      'clusters/' || NEW.id::text,
      jsonb_build_object('cluster_id', NEW.id, 'cluster_name', NEW.name,
        'from', lower(OLD.status::text), 'to', lower(NEW.status::text)));
  END IF;
  IF OLD.agent_status IS DISTINCT FROM NEW.agent_status
     AND (NEW.agent_status = 'lost' OR (NEW.agent_status = 'online' AND OLD.agent_status = 'lost')) THEN
    PERFORM commander_emit_webhook_event(NEW.workspace_id,
      CASE WHEN NEW.agent_status = 'lost' THEN 'io.commander.agent.lost' ELSE 'io.commander.agent.back' END,
      'clusters/' || NEW.id::text,
      jsonb_build_object('cluster_id', NEW.id, 'cluster_name', NEW.name,
        'last_seen_at', NEW.agent_last_seen_at));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER commander_webhooks_cluster
  AFTER UPDATE OF status, agent_status ON clusters
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR (OLD.agent_status IS DISTINCT FROM NEW.agent_status
            AND (NEW.agent_status = 'lost' OR OLD.agent_status = 'lost')))
  EXECUTE FUNCTION commander_webhooks_cluster();

-- Operations: started (QUEUED → RUNNING, also when a taken-over operation resumes), succeeded,
-- failed.
CREATE FUNCTION commander_webhooks_operation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_cluster RECORD;
BEGIN
  IF NOT commander_webhooks_wanted() THEN
    RETURN NULL;
  END IF;
  SELECT id, workspace_id, name INTO v_cluster FROM clusters WHERE id = NEW.cluster_id;
  PERFORM commander_emit_webhook_event(v_cluster.workspace_id,
    CASE NEW.status WHEN 'RUNNING' THEN 'io.commander.operation.started'
                    WHEN 'SUCCEEDED' THEN 'io.commander.operation.succeeded'
                    ELSE 'io.commander.operation.failed' END,
    'operations/' || NEW.id::text,
    jsonb_build_object('operation_id', NEW.id, 'cluster_id', NEW.cluster_id,
      'cluster_name', v_cluster.name, 'kind', lower(NEW.kind::text),
      'status', lower(NEW.status::text), 'error', NEW.error));
  RETURN NULL;
END $$;

CREATE TRIGGER commander_webhooks_operation
  AFTER UPDATE OF status ON cluster_operations
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('RUNNING', 'SUCCEEDED', 'FAILED'))
  EXECUTE FUNCTION commander_webhooks_operation();

-- Change requests: opened (inserted pending), approved, rejected.
CREATE FUNCTION commander_webhooks_change_request() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_cluster RECORD;
BEGIN
  IF NOT commander_webhooks_wanted() THEN
    RETURN NULL;
  END IF;
  SELECT id, workspace_id, name INTO v_cluster FROM clusters WHERE id = NEW.cluster_id;
  PERFORM commander_emit_webhook_event(v_cluster.workspace_id,
    CASE NEW.status WHEN 'PENDING' THEN 'io.commander.change_request.opened'
                    WHEN 'APPROVED' THEN 'io.commander.change_request.approved'
                    ELSE 'io.commander.change_request.rejected' END,
    'change_requests/' || NEW.id::text,
    jsonb_build_object('change_request_id', NEW.id, 'cluster_id', NEW.cluster_id,
      'cluster_name', v_cluster.name, 'destructive', NEW.destructive,
      'status', lower(NEW.status::text), 'approved_by', NEW.approved_by_name));
  RETURN NULL;
END $$;

CREATE TRIGGER commander_webhooks_change_request_opened
  AFTER INSERT ON change_requests
  FOR EACH ROW WHEN (NEW.status = 'PENDING')
  EXECUTE FUNCTION commander_webhooks_change_request();

CREATE TRIGGER commander_webhooks_change_request_decided
  AFTER UPDATE OF status ON change_requests
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('APPROVED', 'REJECTED'))
  EXECUTE FUNCTION commander_webhooks_change_request();

-- Template versions: published when created available, or made available later.
CREATE FUNCTION commander_webhooks_template_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_template RECORD;
BEGIN
  IF NOT commander_webhooks_wanted() THEN
    RETURN NULL;
  END IF;
  SELECT id, workspace_id, name INTO v_template FROM cluster_templates WHERE id = NEW.cluster_template_id;
  PERFORM commander_emit_webhook_event(v_template.workspace_id,
    'io.commander.template_version.published',
    'cluster_templates/' || NEW.cluster_template_id::text || '/versions/' || NEW.id::text,
    jsonb_build_object('template_id', v_template.id, 'template_name', v_template.name,
      'template_version_id', NEW.id, 'version', NEW.number, 'comment', NEW.comment));
  RETURN NULL;
END $$;

CREATE TRIGGER commander_webhooks_template_version_created
  AFTER INSERT ON cluster_template_versions
  FOR EACH ROW WHEN (NEW.available)
  EXECUTE FUNCTION commander_webhooks_template_version();

CREATE TRIGGER commander_webhooks_template_version_available
  AFTER UPDATE OF available ON cluster_template_versions
  FOR EACH ROW WHEN (NEW.available AND NOT OLD.available)
  EXECUTE FUNCTION commander_webhooks_template_version();
