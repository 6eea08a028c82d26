// The baseline of `pnpm bench api`: bare Fastify + `pg` (no authentication, no validation, no
// logging) serving the same cluster rows from the same database as the API, one SELECT each.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const app = Fastify({ logger: false });

app.get<{ Params: { id: string } }>('/clusters/:id', async (request, reply) => {
  const { rows } = await pool.query<Record<string, unknown>>({
    name: 'bare_cluster',
    text: 'SELECT * FROM clusters WHERE id = $1',
    values: [request.params.id],
  });
  return rows[0] ?? reply.code(404).send({});
});

app.get<{ Querystring: { limit?: string } }>('/clusters', async (request) => {
  const { rows } = await pool.query<Record<string, unknown>>({
    name: 'bare_clusters',
    text: 'SELECT * FROM clusters ORDER BY name LIMIT $1',
    values: [Number(request.query.limit ?? 100)],
  });
  return rows;
});

const close = () =>
  void app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
process.once('SIGTERM', close);
process.once('SIGINT', close);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
