-- Public renders: each cluster's desired and applied configuration rendered with secret
-- placeholders (`<secret:key>`) in place of secret values, returned to callers who do not reveal
-- secrets. Existing rows start NULL: a public render cannot be derived from the encrypted real
-- one (that is what masking tried and failed to do). At start-up the API re-renders them
-- (`backfillPublicRenders`: kept only where the re-render reproduces the stored configuration
-- exactly); the rest are withheld (null) until the cluster's configuration is rendered again.

-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "applied_rendered_public" JSONB,
ADD COLUMN     "desired_rendered_public" JSONB;
