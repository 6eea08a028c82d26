-- Issue 11: the secret strings an operation's masker takes from the rendered configurations,
-- found once (at install, or at the first check that parsed them) and stored encrypted with a
-- digest of the render ciphertexts they come from, so a replica does not parse every rendered
-- YAML document of a cluster to build its first masker (packages/core/src/operations/masker-secrets.ts).
ALTER TABLE "clusters" ADD COLUMN "masker_secrets_encrypted" TEXT;
