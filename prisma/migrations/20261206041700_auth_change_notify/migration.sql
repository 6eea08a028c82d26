-- Invalidation of the API's in-process principal cache (apps/api/src/plugins/principal-cache.ts):
-- every change that can alter who a credential is or what it may do notifies the channel
-- commander_auth; each API process LISTENs and drops its cache. Statement-level, so a bulk
-- change is one notification (and identical notifications of a transaction fold into one).
-- Columns touched on every use (last_used_at, last_seen_at, updated_at) are left out on purpose.
CREATE FUNCTION commander_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('commander_auth', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER auth_tokens_auth_changed
  AFTER UPDATE OF revoked_at, expires_at, permissions, scope, workspace_id, token_hash, name,
    created_by_user_id, created_by_token_id OR DELETE OR TRUNCATE ON auth_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION commander_auth_changed();

CREATE TRIGGER users_auth_changed
  AFTER UPDATE OF is_disabled, email, name OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION commander_auth_changed();

CREATE TRIGGER sessions_auth_changed
  AFTER UPDATE OF expires_at, csrf_token, token_hash, user_id OR DELETE OR TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION commander_auth_changed();

CREATE TRIGGER roles_auth_changed
  AFTER UPDATE OF permissions, name, scope OR DELETE OR TRUNCATE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION commander_auth_changed();

CREATE TRIGGER role_bindings_auth_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_bindings
  FOR EACH STATEMENT EXECUTE FUNCTION commander_auth_changed();

CREATE TRIGGER workspaces_auth_changed
  AFTER UPDATE OF slug, archived_at OR DELETE OR TRUNCATE ON workspaces
  FOR EACH STATEMENT EXECUTE FUNCTION commander_auth_changed();
