/** One Server-Sent Event as the API sends it (`event:`, `data:`, optional `id:`). */
export type SseEvent = { event: string; data: string; id: string | null };

/**
 * Incremental parser of a `text/event-stream` body (the WHATWG format): feed it decoded text in
 * any chunking, get back the events completed so far. Comment lines (`: ping`) are skipped.
 */
export function createSseParser(): (chunk: string) => SseEvent[] {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | null = null;

  return (chunk) => {
    buffer += chunk;
    const out: SseEvent[] = [];
    let newline = buffer.search(/\r\n|\r|\n/);
    while (newline !== -1) {
      // A lone CR at the end may be the first half of CRLF: wait for the next chunk.
      if (buffer[newline] === '\r' && newline === buffer.length - 1) {
        break;
      }
      const line = buffer.slice(0, newline);
      const width = buffer.startsWith('\r\n', newline) ? 2 : 1;
      buffer = buffer.slice(newline + width);
      if (line === '') {
        if (data.length > 0) {
          out.push({ event: event || 'message', data: data.join('\n'), id });
        }
        event = '';
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) {
          value = value.slice(1);
        }
        if (field === 'event') {
          event = value;
        } else if (field === 'data') {
          data.push(value);
        } else if (field === 'id') {
          id = value;
        }
      }
      newline = buffer.search(/\r\n|\r|\n/);
    }
    return out;
  };
}
