import { describe, expect, it } from 'vitest';

import { dhctlServiceDefinitions } from './proto.js';
import {
  DhctlResultParseError,
  parseCheckResult,
  parseCommanderAttachResult,
  parseConvergeResult,
} from './results.js';
import { decodeDhctlState, DhctlStateError, dhctlStateUuid, encodeDhctlState } from './state.js';
import { fromProtoStruct, toProtoStruct } from './struct.js';
import { formatValidationError, parseValidationError } from './validation-error.js';

describe('dhctl state', () => {
  it('round-trips a JSON object of base64 values', () => {
    const encoded = encodeDhctlState({ uuid: 'abc', 'cluster-hosts': Buffer.from([0, 1, 2]) });
    expect(JSON.parse(encoded)).toEqual({ 'cluster-hosts': 'AAEC', uuid: 'YWJj' });
    const decoded = decodeDhctlState(encoded);
    expect(decoded.uuid?.toString()).toBe('abc');
    expect([...(decoded['cluster-hosts'] ?? [])]).toEqual([0, 1, 2]);
    expect(dhctlStateUuid(encoded)).toBe('abc');
  });

  it('treats an empty state as empty and rejects malformed ones', () => {
    expect(decodeDhctlState('')).toEqual({});
    expect(dhctlStateUuid('')).toBeNull();
    expect(() => decodeDhctlState('[1]')).toThrow(DhctlStateError);
    expect(() => decodeDhctlState('{"a": 1}')).toThrow(/not a base64 string/);
  });
});

describe('result parsers', () => {
  const check = {
    status: 'DestructiveOutOfSync',
    status_details: { configuration_status: 'OutOfSync', nodes: [] },
    destructive_change_id: 'abc',
  };

  it('parses check, converge and attach results', () => {
    expect(parseCheckResult(JSON.stringify(check)).destructive_change_id).toBe('abc');
    const converge = parseConvergeResult(
      JSON.stringify({ status: 'NeedApproveForDestructiveChange', check_result: check }),
    );
    expect(converge.check_result?.status).toBe('DestructiveOutOfSync');
    expect(parseConvergeResult('{"status":"InSync"}').check_result).toBeNull();
    const attach = parseCommanderAttachResult(
      JSON.stringify({ status: 'Scanned', scan_result: { cluster_configuration: 'x' } }),
    );
    expect(attach).toMatchObject({ status: 'Scanned', check_result: null });
  });

  it('rejects malformed results', () => {
    expect(() => parseCheckResult('not json')).toThrow(DhctlResultParseError);
    expect(() => parseCheckResult('{"status":"Fine","status_details":{}}')).toThrow(
      /unknown status/,
    );
    expect(() => parseCheckResult('{"status":"DestructiveOutOfSync","status_details":{}}')).toThrow(
      /destructive_change_id/,
    );
    expect(() => parseConvergeResult('{"status":"Done"}')).toThrow(DhctlResultParseError);
  });
});

describe('google.protobuf.Struct', () => {
  it('round-trips plain JSON', () => {
    const value = { a: 1, b: 'x', c: [true, null, { d: 'e' }], f: { g: 2 } };
    const struct = toProtoStruct(value);
    expect(struct.fields.a).toEqual({ numberValue: 1 });
    expect(fromProtoStruct(struct)).toEqual(value);
    expect(fromProtoStruct(null)).toEqual({});
  });

  it('survives protobuf encoding inside a request', () => {
    const method = dhctlServiceDefinitions().dhctl.CommanderAttach;
    if (!method) {
      throw new Error('CommanderAttach missing');
    }
    const values = { commanderUrl: 'https://c/agent_api/x', replicas: 3, tags: ['a'] };
    const decoded = method.requestDeserialize(
      method.requestSerialize({
        start: { resources_values: toProtoStruct(values), scan_only: true },
      }),
    ) as {
      start: { resources_values: Parameters<typeof fromProtoStruct>[0]; scan_only?: boolean };
    };
    expect(fromProtoStruct(decoded.start.resources_values)).toEqual(values);
    expect(decoded.start.scan_only).toBe(true);
  });
});

describe('validation errors', () => {
  it('parses the JSON form and wraps plain messages', () => {
    const parsed = parseValidationError(
      JSON.stringify({
        Kind: 2,
        Errors: [
          { Reason: 2, Index: 0, Kind: 'ClusterConfiguration', Messages: ['.x is required'] },
        ],
      }),
    );
    expect(parsed?.Kind).toBe(2);
    expect(formatValidationError(parsed ?? { Errors: [] })).toEqual([
      'ClusterConfiguration: .x is required',
    ]);
    expect(parseValidationError('')).toBeNull();
    expect(parseValidationError('boom')).toEqual({ Errors: [{ Messages: ['boom'] }] });
  });
});
