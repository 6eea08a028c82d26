-- Issue 11: a log line is identified by its operation and sequence number (what the API pages
-- by); the surrogate bigint id and its index were never read. Without them a line costs 8 bytes
-- less in the heap and one index entry less (the unique (operation_id, seq) index becomes the
-- primary key): about 30 bytes of the ~190 a line took with its indexes, and one index insert
-- less per line on the operations' write path. Dropping the column is a catalogue change (the
-- space comes back as rows are rewritten or deleted by retention).
ALTER TABLE "operation_logs" DROP CONSTRAINT "operation_logs_pkey";
ALTER TABLE "operation_logs" DROP COLUMN "id";
ALTER TABLE "operation_logs" ADD CONSTRAINT "operation_logs_pkey" PRIMARY KEY USING INDEX "operation_logs_operation_id_seq_key";
