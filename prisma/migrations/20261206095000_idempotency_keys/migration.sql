-- Idempotency-Key on POSTs (apps/api/src/plugins/idempotency.ts): one row per caller and key for
-- 24 h. A row without status_code is being answered (until locked_until; after that a retry may
-- take it over); with one, its response (encrypted: it can hold a token shown once) is replayed.
CREATE TABLE "idempotency_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "principal" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status_code" INTEGER,
    "response_encrypted" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "idempotency_keys_principal_key_key" ON "idempotency_keys"("principal", "key");

CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"("expires_at");
