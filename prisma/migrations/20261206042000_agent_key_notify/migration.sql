-- API processes cache agent authentication (key hash -> cluster). Any change to a cluster's
-- keys, its archival or its deletion announces the cluster id on `commander_agent_keys`, so
-- every API process drops its cache entries at once, whichever code path made the change.
CREATE FUNCTION commander_notify_agent_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('commander_agent_keys', OLD.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER clusters_agent_keys_changed
AFTER UPDATE OF agent_key_hash, agent_previous_key_hash, agent_previous_key_expires_at, archived_at, uuid, workspace_id
ON clusters FOR EACH ROW
WHEN (OLD.agent_key_hash IS DISTINCT FROM NEW.agent_key_hash
   OR OLD.agent_previous_key_hash IS DISTINCT FROM NEW.agent_previous_key_hash
   OR OLD.agent_previous_key_expires_at IS DISTINCT FROM NEW.agent_previous_key_expires_at
   OR OLD.archived_at IS DISTINCT FROM NEW.archived_at
   OR OLD.uuid IS DISTINCT FROM NEW.uuid
   OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id)
EXECUTE FUNCTION commander_notify_agent_keys();

CREATE TRIGGER clusters_agent_keys_deleted
AFTER DELETE ON clusters FOR EACH ROW
EXECUTE FUNCTION commander_notify_agent_keys();

-- The agent's resource poll answers 304 from `resources_version` alone (one cheap SELECT).
-- What the version is computed from (the desired render and the agent key) clears it whenever
-- an UPDATE writes those columns, so a stale version can never answer 304.
CREATE FUNCTION commander_clear_resources_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.resources_version := NULL;
  RETURN NEW;
END
$$;

CREATE TRIGGER clusters_resources_inputs_changed
BEFORE UPDATE OF desired_rendered_encrypted, agent_key_encrypted ON clusters
FOR EACH ROW
EXECUTE FUNCTION commander_clear_resources_version();
