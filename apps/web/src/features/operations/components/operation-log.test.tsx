import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { server } from '../../../test/msw-server.js';
import { renderWithProviders } from '../../../test/render.js';
import { OperationLog, OperationLogView } from './operation-log.js';

const OPERATION = '00000000-0000-4000-8000-0000000000d1';
const CLUSTER = '00000000-0000-4000-8000-0000000000c1';
const encoder = new TextEncoder();

/** A log stream the test writes to, like the API's SSE endpoint. */
function liveLog() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const requests: URL[] = [];
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(encoder.encode(': connected\n\n'));
    },
  });
  server.use(
    http.get(`*/api/v1/operations/${OPERATION}/logs`, ({ request }) => {
      requests.push(new URL(request.url));
      return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
    }),
  );
  let seq = 0;
  return {
    requests,
    lines(...texts: string[]) {
      const chunk = texts
        .map((line) => {
          seq += 1;
          return `id: ${seq}\nevent: line\ndata: ${JSON.stringify({ seq, ts: '2026-11-28T12:00:00.000Z', line })}\n\n`;
        })
        .join('');
      controller.enqueue(encoder.encode(chunk));
    },
    end(status: string) {
      controller.enqueue(
        encoder.encode(`event: end\ndata: ${JSON.stringify({ status, error: null })}\n\n`),
      );
      controller.close();
    },
  };
}

// jsdom lays nothing out: give elements a height, a scroll height (the virtual list's total size)
// and a scroll position, so the log virtualizes and scrolls as in a browser.
const restorers: (() => void)[] = [];
function stub(
  name: 'clientHeight' | 'scrollHeight' | 'scrollTop' | 'scrollTo',
  descriptor: PropertyDescriptor,
) {
  const original =
    Object.getOwnPropertyDescriptor(Element.prototype, name) ??
    Object.getOwnPropertyDescriptor(HTMLElement.prototype, name);
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, ...descriptor });
  restorers.push(() => {
    if (original) {
      Object.defineProperty(HTMLElement.prototype, name, original);
    } else {
      Reflect.deleteProperty(HTMLElement.prototype, name);
    }
  });
}
beforeEach(() => {
  const scrollTops = new WeakMap<Element, number>();
  stub('clientHeight', { get: () => 400 });
  stub('scrollHeight', {
    get(this: HTMLElement) {
      const inner = this.firstElementChild;
      return inner instanceof HTMLElement ? Number.parseFloat(inner.style.height) || 0 : 0;
    },
  });
  stub('scrollTop', {
    get(this: HTMLElement) {
      return scrollTops.get(this) ?? 0;
    },
    set(this: HTMLElement, value: number) {
      scrollTops.set(this, value);
    },
  });
  stub('scrollTo', {
    value(this: HTMLElement, options?: ScrollToOptions) {
      if (options?.top !== undefined) {
        this.scrollTop = options.top;
      }
    },
  });
});
afterEach(() => {
  for (const restore of restorers.splice(0).reverse()) {
    restore();
  }
});

function renderLog() {
  return renderWithProviders(
    <OperationLog slug="default" clusterId={CLUSTER} operationId={OPERATION} />,
  );
}

describe('operation log', () => {
  it('shows lines as they stream in, then how the operation ended', async () => {
    const log = liveLog();
    renderLog();
    expect(await screen.findByText('Waiting for log lines…')).toBeInTheDocument();
    expect(screen.getByText('Live')).toBeInTheDocument();

    log.lines('Connecting to 10.0.0.1', 'Preparing base infrastructure');
    const view = await screen.findByRole('log', { name: 'Operation log' });
    expect(await within(view).findByText('Preparing base infrastructure')).toBeInTheDocument();
    expect(within(view).getByText('Connecting to 10.0.0.1')).toBeInTheDocument();
    expect(screen.getByText('2 lines')).toBeInTheDocument();

    log.lines('Done');
    expect(await within(view).findByText('Done')).toBeInTheDocument();
    log.end('succeeded');
    expect(await screen.findByText('Finished: Succeeded')).toBeInTheDocument();
    expect(log.requests[0]?.searchParams.get('follow')).toBe('true');
  });

  it('pauses auto-scroll, counts the lines that arrive meanwhile, and resumes', async () => {
    const log = liveLog();
    renderLog();
    const user = userEvent.setup();
    log.lines(...Array.from({ length: 40 }, (_, i) => `line ${i + 1}`));
    const view = await screen.findByRole('log', { name: 'Operation log' });
    // Following: the newest line is scrolled into view.
    expect(await within(view).findByText('line 40')).toBeInTheDocument();
    await waitFor(() => expect(view.scrollTop).toBeGreaterThan(0));
    const followedTo = view.scrollTop;

    await user.click(screen.getByRole('button', { name: 'Pause auto-scroll' }));
    log.lines('line 41', 'line 42', 'line 43');
    expect(await screen.findByText('3 new lines below')).toBeInTheDocument();
    expect(view.scrollTop).toBe(followedTo);

    await user.click(screen.getByRole('button', { name: 'Resume auto-scroll' }));
    expect(screen.queryByText('3 new lines below')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pause auto-scroll' })).toBeInTheDocument();
    await waitFor(() => expect(view.scrollTop).toBeGreaterThan(followedTo));
  });

  it('filters the log by a search', async () => {
    const log = liveLog();
    renderLog();
    log.lines('terraform init', 'ERROR: quota exceeded', 'retrying', 'error again');
    const view = await screen.findByRole('log', { name: 'Operation log' });
    expect(await within(view).findByText('retrying')).toBeInTheDocument();

    await userEvent.setup().type(screen.getByRole('searchbox', { name: 'Search in log' }), 'error');
    expect(screen.getByText('2 of 4 lines match')).toBeInTheDocument();
    expect(within(view).queryByText('retrying')).not.toBeInTheDocument();
    expect(within(view).getByText('quota exceeded', { exact: false })).toBeInTheDocument();
  });

  it('says "Waiting" with the place in the queue, not "Live", while the operation is queued', () => {
    const { unmount } = renderWithProviders(
      <OperationLogView
        lines={[]}
        state="waiting"
        end={null}
        queuePosition={3}
        onReconnect={() => undefined}
      />,
    );
    expect(screen.getByText('Waiting · place 3 in the queue')).toBeInTheDocument();
    expect(screen.queryByText('Live')).not.toBeInTheDocument();
    unmount();
    renderWithProviders(
      <OperationLogView lines={[]} state="waiting" end={null} onReconnect={() => undefined} />,
    );
    expect(screen.getByText('Waiting in the queue')).toBeInTheDocument();
  });
});
