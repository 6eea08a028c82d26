-- API processes cache each cluster's agent resources version (the resource poll's 304 is
-- answered without a statement). Whenever what the version is computed from changes (the
-- desired render, the agent key) or the cluster is deleted, the cluster id is announced on
-- `commander_agent_resources` (delivered at commit), whichever code path made the change, and
-- every API process drops its entry.
CREATE FUNCTION commander_notify_agent_resources() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('commander_agent_resources', OLD.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER clusters_agent_resources_changed
AFTER UPDATE OF desired_rendered_encrypted, agent_key_encrypted, uuid ON clusters
FOR EACH ROW
WHEN (OLD.desired_rendered_encrypted IS DISTINCT FROM NEW.desired_rendered_encrypted
   OR OLD.agent_key_encrypted IS DISTINCT FROM NEW.agent_key_encrypted
   OR OLD.uuid IS DISTINCT FROM NEW.uuid)
EXECUTE FUNCTION commander_notify_agent_resources();

CREATE TRIGGER clusters_agent_resources_deleted
AFTER DELETE ON clusters FOR EACH ROW
EXECUTE FUNCTION commander_notify_agent_resources();
