import { describe, expect, it } from 'vitest';

import { agentDataFromJson, projectAgentDataJson, RawJson } from '../src/index.js';

// Text as PostgreSQL's jsonb output writes it (keys by length, a space after `:` and `,`).
describe('projectAgentDataJson (agent snapshots of the cluster list, from jsonb text)', () => {
  it('keeps source and data only, in that order, without whitespace', () => {
    expect(
      projectAgentDataJson(
        '[{"zz": 1, "data": {"a": [1, 2.5, "x, y: z"], "b": null}, "extra": "no", "source": "overview"}]',
      ),
    ).toBe('[{"source":"overview","data":{"a":[1,2.5,"x, y: z"],"b":null}}]');
    expect(projectAgentDataJson('[]')).toBe('[]');
  });

  it('declines what JavaScript would write differently, or what is not the shape', () => {
    for (const text of [
      '[{"data": {"n": 1.50}, "source": "s"}]',
      '[{"data": {"n": 12345678901234567890}, "source": "s"}]',
      '[{"data": {"n": -0}, "source": "s"}]',
      '[{"data": {"2": 1, "b": 2}, "source": "s"}]',
      '[{"data": 1, "source": 5}]',
      '[{"source": "s"}]',
      '{"data": 1, "source": "s"}',
      'null',
      '[1]',
    ]) {
      expect(projectAgentDataJson(text)).toBeNull();
    }
  });

  it('answers the same from its cache, and parses what it declines', () => {
    const text = '[{"data": {"k": "v"}, "source": "s"}]';
    const first = agentDataFromJson(text);
    const again = agentDataFromJson(`${text}`);
    expect(first).toBeInstanceOf(RawJson);
    expect((again as RawJson).json).toBe((first as RawJson).json);
    expect(agentDataFromJson('[{"data": 1.50, "source": "s"}]')).toEqual([
      { source: 's', data: 1.5 },
    ]);
    expect(agentDataFromJson(null)).toEqual([]);
    expect(agentDataFromJson('null')).toEqual([]);
  });
});
