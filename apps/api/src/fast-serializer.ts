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
