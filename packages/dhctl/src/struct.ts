import type { ProtoStruct, ProtoValue } from './messages.js';

/** A JSON value as `google.protobuf.Value` can carry it. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function toValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) {
    return { null_value: 'NULL_VALUE' };
  }
  if (typeof value === 'boolean') {
    return { bool_value: value };
  }
  if (typeof value === 'number') {
    return { number_value: value };
  }
  if (typeof value === 'string') {
    return { string_value: value };
  }
  if (Array.isArray(value)) {
    return { list_value: { values: value.map(toValue) } };
  }
  if (typeof value === 'object') {
    return { struct_value: toProtoStruct(value as Record<string, unknown>) };
  }
  // Not JSON: a bigint keeps its digits; symbols and functions become null, as JSON would drop them.
  if (typeof value === 'bigint') {
    return { string_value: value.toString() };
  }
  return { null_value: 'NULL_VALUE' };
}

function fromValue(value: ProtoValue): JsonValue {
  if (value.struct_value) {
    return fromProtoStruct(value.struct_value);
  }
  if (value.list_value) {
    return (value.list_value.values ?? []).map(fromValue);
  }
  if (value.string_value !== undefined) {
    return value.string_value;
  }
  if (value.number_value !== undefined) {
    return value.number_value;
  }
  if (value.bool_value !== undefined) {
    return value.bool_value;
  }
  return null;
}

/** Converts a plain JSON object to `google.protobuf.Struct` (e.g. `resources_values`). */
export function toProtoStruct(object: Readonly<Record<string, unknown>>): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined) {
      fields[key] = toValue(value);
    }
  }
  return { fields };
}

/** Converts a decoded `google.protobuf.Struct` back to plain JSON; `null` gives `{}`. */
export function fromProtoStruct(struct: ProtoStruct | null | undefined): Record<string, JsonValue> {
  const result: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) {
    result[key] = fromValue(value);
  }
  return result;
}
