import { describe, expect, it } from 'vitest';

import { DhctlServerNotFoundError } from './errors.js';
import { pickDhctlServer } from './servers.js';

const servers = {
  '1.69.3': 'dhctl-1-69-3:9090',
  '1.69': 'dhctl-1-69:9090',
  'v1.70': 'dhctl-1-70:9090',
  default: 'dhctl-default:9090',
};

describe('pickDhctlServer', () => {
  it('prefers the exact version', () => {
    expect(pickDhctlServer(servers, '1.69.3')).toBe('dhctl-1-69-3:9090');
    expect(pickDhctlServer(servers, 'v1.69.3')).toBe('dhctl-1-69-3:9090');
  });

  it('falls back to major.minor', () => {
    expect(pickDhctlServer(servers, '1.69.7')).toBe('dhctl-1-69:9090');
    expect(pickDhctlServer(servers, '1.70.0')).toBe('dhctl-1-70:9090');
    expect(pickDhctlServer(servers, '1.70')).toBe('dhctl-1-70:9090');
  });

  it('falls back to "default", also without a version', () => {
    expect(pickDhctlServer(servers, '1.71.2')).toBe('dhctl-default:9090');
    expect(pickDhctlServer(servers)).toBe('dhctl-default:9090');
    expect(pickDhctlServer(servers, '')).toBe('dhctl-default:9090');
  });

  it('throws a clear error when nothing matches', () => {
    const pick = () => pickDhctlServer({ '1.69': 'a:1' }, '1.71.0');
    expect(pick).toThrow(DhctlServerNotFoundError);
    expect(pick).toThrow(/no dhctl server for DKP version "1\.71\.0".*1\.69/);
    expect(() => pickDhctlServer({})).toThrow(/no dhctl servers are configured/);
  });
});
