/** `tsx scripts/migrate.ts`: applies the database migrations to DATABASE_URL (used by Docker). */
import { migrateDatabase } from '@commander/db';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is not set\n');
  process.exit(1);
}
await migrateDatabase(url);
process.stdout.write('migrations applied\n');
