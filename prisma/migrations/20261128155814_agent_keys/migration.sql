-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "agent_key_encrypted" TEXT,
ADD COLUMN     "agent_previous_key_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "agent_previous_key_hash" TEXT;
