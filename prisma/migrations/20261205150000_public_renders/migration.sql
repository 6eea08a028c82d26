-- Public renders: each cluster's desired and applied configuration rendered with secret
-- placeholders (`<secret:key>`) in place of secret values, returned to callers who do not reveal
-- secrets. Existing rows keep NULL: their configurations were rendered before this change, and
-- a public render cannot be derived from the encrypted real one (that is what masking tried and
-- failed to do), so the API withholds them (null) until the cluster's configuration is rendered
-- again (any update or version switch).

-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "applied_rendered_public" JSONB,
ADD COLUMN     "desired_rendered_public" JSONB;
