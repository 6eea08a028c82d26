import pg from 'pg';
import { afterAll, afterEach } from 'vitest';

// node-postgres deprecates a query sent on a client that is still executing one (pg@9 drops the
// queue). Inside a Prisma interactive transaction every query shares one client, so a
// `Promise.all` of `tx.…` calls, or Prisma's own parallel loading of sibling relations
// (packages/db/src/serial-transactions.ts), would overlap on it. Any overlap fails the test that
// was running: pg itself warns only from the third overlapping query and once per process, so
// the client's `query` is watched directly, and pg's warning is caught as well.
const PG_OVERLAP = /client\.query\(\) when the client is already executing a query/;

const seen: Error[] = [];

type ClientState = { _activeQuery: unknown; _queryQueue: unknown[]; pipeline?: boolean };
const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const query = proto.query;
proto.query = function watchedQuery(this: ClientState, ...args: unknown[]) {
  if (!this.pipeline && (this._activeQuery != null || this._queryQueue.length > 0)) {
    seen.push(new Error('client.query() called while the client is already executing a query'));
  }
  return query.apply(this, args);
};

const onWarning = (warning: Error) => {
  if (warning.name === 'DeprecationWarning' && PG_OVERLAP.test(warning.message)) {
    seen.push(warning);
  }
};
process.on('warning', onWarning);

function check() {
  const found = seen.splice(0);
  if (found.length > 0) {
    throw new Error(
      `node-postgres: a query was sent on a client already executing one ` +
        `(concurrent queries in one transaction?)\n${found.map((w) => w.stack ?? w.message).join('\n\n')}`,
    );
  }
}

afterEach(async () => {
  // process 'warning' is emitted on a later tick than the call that warned.
  await new Promise((resolve) => setImmediate(resolve));
  check();
});

afterAll(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  proto.query = query;
  check();
});
