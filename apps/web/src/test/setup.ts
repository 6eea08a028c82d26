import '@testing-library/jest-dom/vitest';

import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { server } from './msw-server.js';

// jsdom lacks a few browser APIs that Mantine and CodeMirror use.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});

class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

function polyfill(target: object, name: string, value: unknown): void {
  if (!(name in target)) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true });
  }
}

polyfill(window, 'ResizeObserver', ResizeObserverStub);
polyfill(Element.prototype, 'scrollIntoView', () => undefined);
polyfill(Range.prototype, 'getClientRects', () => Object.assign([], { item: () => null }));
polyfill(Range.prototype, 'getBoundingClientRect', () => new DOMRect(0, 0, 0, 0));
// Mantine's autosize Textarea listens for web fonts loading.
polyfill(document, 'fonts', {
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
  ready: Promise.resolve(),
});

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  window.localStorage.clear();
});
afterAll(() => server.close());
