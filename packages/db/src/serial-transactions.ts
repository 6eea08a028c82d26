import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  Transaction,
} from '@prisma/driver-adapter-utils';

/** Runs tasks one after another, each once the previous one settled (fulfilled or not). */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** The transaction's methods that send a statement on its connection. */
const STATEMENTS = new Set<PropertyKey>([
  'queryRaw',
  'executeRaw',
  'commit',
  'rollback',
  'createSavepoint',
  'rollbackToSavepoint',
  'releaseSavepoint',
]);

/**
 * A transaction whose statements go to its one connection one at a time. Prisma's query
 * interpreter loads sibling relations (`include`/`select` of two or more relations a single
 * statement does not join, nested writes' results) with `Promise.all`; on the pool that spreads
 * them over connections, but a transaction has one pg client, and a second `client.query()` on
 * a busy client is deprecated by node-postgres (a DeprecationWarning now, an error in pg@9).
 * Upstream: prisma/prisma#29407 (open fixes serialise in the adapter, as here).
 */
export function serialTransaction(tx: Transaction): Transaction {
  const queue = new SerialQueue();
  return new Proxy(tx, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      const method = value as (...args: unknown[]) => unknown;
      if (STATEMENTS.has(key)) {
        return (...args: unknown[]) => queue.run(async () => method.apply(target, args));
      }
      return method.bind(target);
    },
  });
}

/**
 * A driver adapter factory whose transactions are {@link serialTransaction}s. Queries outside a
 * transaction stay parallel: the pool gives each its own connection.
 */
export function withSerialTransactions<F extends SqlDriverAdapterFactory>(factory: F): F {
  const wrapAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    new Proxy(adapter, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key === 'startTransaction') {
          return async (isolationLevel?: IsolationLevel) =>
            serialTransaction(await target.startTransaction(isolationLevel));
        }
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : value;
      },
    });
  return new Proxy(factory, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key === 'connect' || key === 'connectToShadowDb') {
        return async () =>
          wrapAdapter(await (value as () => Promise<SqlDriverAdapter>).call(target));
      }
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
