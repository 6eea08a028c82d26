import type { ProtoStruct, ProtoValue } from './messages.js';

/** A JSON value as `google.protobuf.Value` can carry it. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function toValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) {
    return { nullValue: 'NULL_VALUE' };
  }
  if (typeof value === 'boolean') {
    return { boolValue: value };
  }
  if (typeof value === 'number') {
    return { numberValue: value };
  }
  if (typeof value === 'string') {
    return { stringValue: value };
  }
  if (Array.isArray(value)) {
    return { listValue: { values: value.map(toValue) } };
  }
  if (typeof value === 'object') {
    return { structValue: toProtoStruct(value as Record<string, unknown>) };
  }
  // Not JSON: a bigint keeps its digits; symbols and functions become null, as JSON would drop them.
  if (typeof value === 'bigint') {
    return { stringValue: value.toString() };
  }
  return { nullValue: 'NULL_VALUE' };
}

function fromValue(value: ProtoValue): JsonValue {
  if (value.structValue) {
    return fromProtoStruct(value.structValue);
  }
  if (value.listValue) {
    return (value.listValue.values ?? []).map(fromValue);
  }
  if (value.stringValue !== undefined) {
    return value.stringValue;
  }
  if (value.numberValue !== undefined) {
    return value.numberValue;
  }
  if (value.boolValue !== undefined) {
    return value.boolValue;
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
