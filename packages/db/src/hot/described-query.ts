import pg from 'pg';

/** A RowDescription's field as pg reads it. */
type Field = { name: string; dataTypeID: number; format?: string };

/** What pg's `Result.addFields` builds from a RowDescription, kept per statement. */
type Described = {
  fields: Field[];
  parsers: unknown[];
  prebuilt: Record<string, null>;
};

/** pg's internals this class touches (pg 8.x `Query` and `Result`; pinned in package.json). */
type QueryInternals = {
  name?: string;
  callback?: unknown;
  _accumulateRows: boolean;
  _checkForMultirow: () => void;
  listeners: (event: string) => unknown[];
  _result: {
    fields: Field[];
    _parsers: unknown[];
    _prebuiltEmptyResultObject: Record<string, null>;
    addFields: (fields: Field[]) => void;
  };
};

const described = new Map<string, Described>();

function sameFields(a: Field[], b: Field[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.dataTypeID !== y.dataTypeID || x.name !== y.name || x.format !== y.format) {
      return false;
    }
  }
  return true;
}

/**
 * A named (prepared) statement whose RowDescription is turned into column parsers once per
 * process instead of on every execution. pg describes the portal on every execution and rebuilds
 * a parser per column and an empty row object of every column name (a dictionary-mode object,
 * then spread) each time: ~6 % of the API's CPU on `GET /clusters/:id`. The row description of
 * the same statement is compared (names, types, formats) with the cached one and reused when
 * equal; anything else (a changed schema) takes pg's own path and replaces the cache entry.
 * Only for statements with a fixed `name` and the default type parsers.
 */
export class DescribedQuery extends pg.Query {
  handleRowDescription(msg: { fields: Field[] }): void {
    const self = this as unknown as QueryInternals;
    const name = self.name;
    const cached = name ? described.get(name) : undefined;
    if (cached && sameFields(cached.fields, msg.fields)) {
      self._checkForMultirow();
      const result = self._result;
      result.fields = msg.fields;
      result._parsers = cached.parsers;
      result._prebuiltEmptyResultObject = cached.prebuilt;
      self._accumulateRows = Boolean(self.callback) || self.listeners('row').length === 0;
      return;
    }
    (
      pg.Query.prototype as unknown as QueryInternals & {
        handleRowDescription: (m: { fields: Field[] }) => void;
      }
    ).handleRowDescription.call(this, msg);
    if (name) {
      const result = self._result;
      described.set(name, {
        fields: msg.fields,
        parsers: result._parsers,
        prebuilt: result._prebuiltEmptyResultObject,
      });
    }
  }
}

/** Runs a named statement through {@link DescribedQuery} on a pool; resolves to pg's result. */
export function describedQuery<R>(
  pool: pg.Pool,
  config: { name: string; text: string; values: unknown[]; rowMode?: 'array' },
): Promise<{ rows: R[]; fields: pg.FieldDef[] }> {
  // pg-pool answers a submittable with a promise of its result (its typings say otherwise).
  return pool.query(new DescribedQuery(config)) as unknown as Promise<{
    rows: R[];
    fields: pg.FieldDef[];
  }>;
}
