// The zod schema of one field's (non-empty) value. Shared by params checking (defaults must be
// valid values), the values validator and the form (validate a field as the user types).

import { z } from 'zod';

import type { ParamField, ParamFormat } from './params.js';
import { RECORD_ID_KEY } from './params.js';
import { patternRegExp } from './pattern.js';
import { deepEqual, describeValue } from './util.js';

type Schema = z.ZodType<unknown>;

function formatSchema(format: ParamFormat | undefined): z.ZodString | z.ZodStringFormat {
  // zod's string formats are what Commander's own form uses (its list of formats is exactly
  // zod's), and they agree with Go's parsers on the cases that matter: ipv4 is strict (no
  // leading zeros, as net.ParseIP since Go 1.17), date-time is RFC 3339 with an offset or Z,
  // uuid is any 8-4-4-4-12 hex string (as google/uuid.Parse).
  switch (format) {
    case 'date-time':
      return z.iso.datetime({
        offset: true,
        error: 'Must be a date and time in RFC 3339 format, e.g. 2024-05-01T10:00:00Z',
      });
    case 'url':
      return z.url({ error: 'Must be a URL, e.g. https://example.com' });
    case 'email':
      return z.email({ error: 'Must be an email address' });
    case 'uuid':
      return z.guid({ error: 'Must be a UUID' });
    case 'cuid':
      return z.cuid({ error: 'Must be a CUID' });
    case 'cuid2':
      return z.cuid2({ error: 'Must be a CUID2' });
    case 'ulid':
      return z.ulid({ error: 'Must be a ULID' });
    case 'emoji':
      return z.emoji({ error: 'Must contain only emoji' });
    case 'ipv4':
      return z.ipv4({ error: 'Must be an IPv4 address, e.g. 192.0.2.10' });
    case 'password':
    case undefined:
      return z.string({ error: 'Must be a string' });
  }
}

function scalarSchema(field: ParamField): Schema {
  if (field.type === 'number') {
    let s = z.number({ error: 'Must be a number' });
    if (field.min !== undefined) {
      s = s.min(field.min, { error: `Must be at least ${field.min}` });
    }
    if (field.max !== undefined) {
      s = s.max(field.max, { error: `Must be at most ${field.max}` });
    }
    return s;
  }
  if (field.type === 'boolean') {
    return z.boolean({ error: 'Must be true or false' });
  }
  if (field.type === 'string') {
    let s = formatSchema(field.format);
    if (field.minLength !== undefined) {
      s = s.min(field.minLength, { error: `Must be at least ${field.minLength} characters` });
    }
    if (field.maxLength !== undefined) {
      s = s.max(field.maxLength, { error: `Must be at most ${field.maxLength} characters` });
    }
    if (field.pattern !== undefined) {
      const pattern = field.pattern;
      s = s.regex(patternRegExp(pattern), { error: `Must match the pattern ${pattern}` });
    }
    return s;
  }
  return z.unknown();
}

function catalogRecordSchema(field: ParamField): Schema {
  return z.looseObject(
    {
      [RECORD_ID_KEY]: z.guid({ error: `${RECORD_ID_KEY} must be a record id (a UUID)` }),
    },
    {
      error: `Must be a record of the catalog "${field.catalog}" (an object with ${RECORD_ID_KEY})`,
    },
  );
}

function itemSchema(field: ParamField): Schema {
  if (field.catalog !== undefined) {
    return catalogRecordSchema(field);
  }
  const base = scalarSchema(field);
  if (field.enum !== undefined) {
    const values = field.enum;
    return base.refine((v) => values.includes(v as never), {
      error: `Must be one of: ${values.map((v) => describeValue(v)).join(', ')}`,
    });
  }
  if (field.select !== undefined) {
    const options = field.select;
    return base.refine((v) => options.some((o) => deepEqual(o.value, v)), {
      error: `Must be one of the options: ${options.map((o) => o.text).join(', ')}`,
    });
  }
  return base;
}

function itemIdentity(field: ParamField, item: unknown): unknown {
  if (field.catalog !== undefined && typeof item === 'object' && item !== null) {
    return (item as Record<string, unknown>)[RECORD_ID_KEY];
  }
  return item;
}

/**
 * The zod schema of a field's value when one is given (emptiness and defaults are handled by the
 * values schema). Types, formats, bounds, `pattern` (full match), `enum`, `select` (deep-equal
 * to an option's value), catalog records (`{ "x-commander-record-id": "<uuid>", … }`), and for
 * `minItems`/`maxItems` fields a list of such items within the bounds and without repeats.
 * Error messages are sentences for the form ("Must be at least 8 characters").
 */
export function fieldValueSchema(field: ParamField): Schema {
  const item = itemSchema(field);
  if (field.minItems === undefined && field.maxItems === undefined) {
    return item;
  }
  let list = z.array(item, { error: 'Must be a list' });
  if (field.minItems !== undefined) {
    list = list.min(field.minItems, {
      error: `Choose at least ${field.minItems} item${field.minItems === 1 ? '' : 's'}`,
    });
  }
  if (field.maxItems !== undefined) {
    list = list.max(field.maxItems, {
      error: `Choose at most ${field.maxItems} item${field.maxItems === 1 ? '' : 's'}`,
    });
  }
  return list.refine(
    (items) => {
      const ids = items.map((i) => itemIdentity(field, i));
      return ids.every((id, i) => ids.findIndex((other) => deepEqual(other, id)) === i);
    },
    { error: 'Items must not repeat' },
  );
}
