import type { FastifyReply, FastifyRequest } from 'fastify';

export type SseStream = {
  readonly closed: boolean;
  send: (event: string, data: unknown, id?: string) => void;
  /** Waits, waking early when the client goes away. */
  sleep: (ms: number) => Promise<void>;
  close: () => void;
};

/**
 * Switches a request to a Server-Sent Events stream (text/event-stream). The response is
 * hijacked from Fastify; a comment line every 15 s keeps proxies from closing it.
 */
export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  let closed = false;
  const wakers = new Set<() => void>();
  const keepAlive = setInterval(() => {
    if (!closed) {
      res.write(': ping\n\n');
    }
  }, 15_000);
  const onClose = () => {
    closed = true;
    clearInterval(keepAlive);
    for (const wake of wakers) {
      wake();
    }
  };
  request.raw.on('close', onClose);
  return {
    get closed() {
      return closed;
    },
    send(event, data, id) {
      if (closed) {
        return;
      }
      res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    sleep(ms) {
      return new Promise((resolve) => {
        if (closed) {
          resolve();
          return;
        }
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakers.delete(done);
          resolve();
        }
        wakers.add(done);
      });
    },
    close() {
      if (!closed) {
        onClose();
        res.end();
      }
    },
  };
}
