-- Public renders: each cluster's desired and applied configuration rendered with secret
-- placeholders (`<secret:key>`) in place of secret values, returned to callers who do not reveal
-- secrets. Existing rows start NULL: a public render cannot be derived from the encrypted real
-- one (that is what masking tried and failed to do). At start-up the API re-renders them
-- (`backfillPublicRenders`: kept only where the re-render reproduces the stored configuration
-- exactly); the rest are withheld (null) until the cluster's configuration is rendered again.

-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "applied_rendered_public" JSONB,
ADD COLUMN     "desired_rendered_public" JSONB;

-- Render errors stored before this change come from the real render and can quote a secret
-- (Go's `fail` and function errors, YAML excerpts): keep where they are, drop what they say.
UPDATE "clusters"
SET "render_errors" = (
  SELECT jsonb_agg(
    e || jsonb_build_object(
      'message',
      'Details withheld (recorded before secret placeholders): save the cluster again to see them'
    )
  )
  FROM jsonb_array_elements("render_errors") AS e
)
WHERE jsonb_typeof("render_errors") = 'array' AND jsonb_array_length("render_errors") > 0;
