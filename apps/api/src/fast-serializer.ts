import { RawJson } from '@commander/core';
import fastJson from 'fast-json-stringify';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** Keywords fast-json-stringify would only use to validate, never to write. */
const DROPPED = new Set([
  '$schema',
  '$defs',
  'format',
  'pattern',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'propertyNames',
  'description',
  'title',
  'default',
  'examples',
]);

/**
 * The JSON Schema fast-json-stringify compiles for a zod output schema: the shape only (types,
 * properties, required), every constraint dropped. What it cannot write without guessing at run
 * time (`$ref` to a recursive schema such as `z.json()`, unions other than `X | null`) becomes `{}`,
 * which fast-json-stringify writes with `JSON.stringify`. Integers are written as numbers (as
 * `JSON.stringify` does; fast-json-stringify would truncate a fraction).
 */
export function toSerializerSchema(schema: JsonSchema): JsonSchema {
  if ('$ref' in schema || 'allOf' in schema || 'oneOf' in schema || 'not' in schema) {
    return {};
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf as JsonSchema[];
    const other = branches.filter((b) => b.type !== 'null');
    if (branches.length === 2 && other.length === 1) {
      const inner = toSerializerSchema(other[0]!);
      return Object.keys(inner).length === 0 ? {} : { ...inner, nullable: true };
    }
    return {};
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) {
      continue;
    }
    if (key === 'type') {
      out.type = Array.isArray(value)
        ? (value as string[]).map((t) => (t === 'integer' ? 'number' : t))
        : value === 'integer'
          ? 'number'
          : value;
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, sub]) => [
          name,
          toSerializerSchema(sub),
        ]),
      );
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] =
        typeof value === 'object' && value !== null
          ? toSerializerSchema(value as JsonSchema)
          : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

const compiled = new WeakMap<z.ZodType, (data: unknown) => string>();

/**
 * A response serializer compiled once from a zod schema with fast-json-stringify, instead of the
 * zod type provider's `encode` + `JSON.stringify` per response. Only the schema's properties are
 * written (an allowlist, as zod's object stripping), in the schema's order. It does not validate:
 * the routes that use it build their objects from typed DTOs (`toClusterDto`), and a property
 * test (`fast-serializer.test.ts`) checks that its output parses to exactly what zod's serializer
 * produces, hostile strings included.
 */
export function compileZodSerializer(schema: z.ZodType): (data: unknown) => string {
  let fn = compiled.get(schema);
  if (!fn) {
    const jsonSchema = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
    fn = fastJson(toSerializerSchema(jsonSchema) as unknown as Parameters<typeof fastJson>[0]);
    compiled.set(schema, fn);
  }
  return fn;
}

/** A route's `serializerCompiler` for zod response schemas (see compileZodSerializer). */
export function fastSerializerCompiler<T>({ schema }: { schema: T }): (data: unknown) => string {
  return compileZodSerializer(schema as z.ZodType);
}

/**
 * A serializer for an array of objects one of whose properties (`rawKey`) may come as
 * {@link RawJson}: text already in the form the property's serializer writes (the cluster
 * list's agent snapshots, projected from their jsonb text: `agentDataFromJson` in core), spliced
 * in as it is instead of parsed and serialized again. The other properties are written by the
 * compiled serializers of the properties before and after it (same schema, same order), so the
 * output is byte for byte that of {@link compileZodSerializer} for the whole array; a value that
 * is not RawJson is written by the property's own compiled serializer.
 */
export function compileRawSplicedListSerializer(
  schema: z.ZodType,
  rawKey: string,
): (data: unknown) => string {
  const item = schema instanceof z.ZodArray ? schema.element : null;
  if (!(item instanceof z.ZodObject)) {
    throw new Error('a spliced list serializer needs an array of objects');
  }
  const keys = Object.keys(item.shape);
  const at = keys.indexOf(rawKey);
  if (at <= 0 || at === keys.length - 1) {
    throw new Error(`${rawKey} must be a property between others`);
  }
  const pick = (names: string[]) => {
    const mask: Record<string, true> & Record<number, never> = {};
    for (const name of names) {
      mask[name] = true;
    }
    return compileZodSerializer(item.pick(mask));
  };
  const head = pick(keys.slice(0, at));
  const tail = pick(keys.slice(at + 1));
  const raw = compileZodSerializer(item.shape[rawKey] as z.ZodType);
  const prefix = `,${JSON.stringify(rawKey)}:`;
  return (data: unknown) => {
    const items = data as Record<string, unknown>[];
    let out = '[';
    for (let i = 0; i < items.length; i++) {
      const o = items[i]!;
      const value = o[rawKey];
      // head: `{…}` without its `}`; tail: `{…}` without its `{`.
      out += `${i === 0 ? '' : ','}${head(o).slice(0, -1)}${prefix}${
        value instanceof RawJson ? value.json : raw(value)
      },${tail(o).slice(1)}`;
    }
    return `${out}]`;
  };
}

/** The cluster list's `serializerCompiler`: agent snapshots spliced as text (see above). */
export function clusterListSerializerCompiler<T>({
  schema,
}: {
  schema: T;
}): (data: unknown) => string {
  return compileRawSplicedListSerializer(schema as z.ZodType, 'cluster_agent_data');
}
