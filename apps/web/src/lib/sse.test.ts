import { describe, expect, it } from 'vitest';

import { createSseParser } from './sse.js';

describe('createSseParser', () => {
  it('parses events split across chunks at any point', () => {
    const text =
      ': connected\n\nid: 1\nevent: line\ndata: {"seq":1}\n\nevent: end\ndata: {"status":"succeeded"}\n\n';
    for (let cut = 0; cut <= text.length; cut += 1) {
      const parse = createSseParser();
      const events = [...parse(text.slice(0, cut)), ...parse(text.slice(cut))];
      expect(events).toEqual([
        { event: 'line', data: '{"seq":1}', id: '1' },
        { event: 'end', data: '{"status":"succeeded"}', id: '1' },
      ]);
    }
  });

  it('joins multi-line data, defaults the event name and handles CRLF split between chunks', () => {
    const parse = createSseParser();
    expect(parse('data: a\r')).toEqual([]);
    expect(parse('\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb', id: null }]);
  });

  it('skips comments and blocks without data', () => {
    const parse = createSseParser();
    expect(parse(': ping\n\nevent: change\n\n')).toEqual([]);
  });
});
