import '@xterm/xterm/css/xterm.css';

import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';

import {
  ERROR,
  EXEC_SUBPROTOCOLS,
  exitCodeOf,
  frame,
  parseFrame,
  resizeFrame,
  STDERR,
  STDIN,
  STDOUT,
} from '../exec-protocol.js';

/** What the session reports to the modal. */
export type TerminalState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'exited'; code: number }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

export type PodTerminalImplProps = {
  /** The exec WebSocket URL (see exec-protocol.ts). */
  url: string;
  /** Accessible name of the terminal. */
  label: string;
  onState: (state: TerminalState) => void;
};

/**
 * xterm.js over the Kubernetes exec WebSocket protocol: keystrokes go to stdin, stdout and
 * stderr are written to the terminal, its size follows the element (resize channel), and the
 * error channel's Status ends the session. Loaded lazily (see pod-terminal-modal.tsx).
 */
export function PodTerminalImpl({ url, label, onState }: PodTerminalImplProps) {
  const parent = useRef<HTMLDivElement>(null);
  const report = useRef(onState);
  report.current = onState;

  useEffect(() => {
    const element = parent.current;
    if (!element) {
      return;
    }
    const terminal = new Terminal({
      cursorBlink: true,
      convertEol: false,
      // xterm measures its font itself: a concrete stack, not a CSS variable.
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      screenReaderMode: false,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    terminal.textarea?.setAttribute('aria-label', label);
    try {
      fit.fit();
    } catch {
      // A hidden element has no size yet; the observer below fits it later.
    }

    report.current({ kind: 'connecting' });
    const socket = new WebSocket(url, EXEC_SUBPROTOCOLS);
    socket.binaryType = 'arraybuffer';
    let ended = false;
    const decoder = new TextDecoder();
    const sendResize = () => {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(resizeFrame(terminal.cols, terminal.rows));
      }
    };
    socket.onopen = () => {
      report.current({ kind: 'connected' });
      sendResize();
      terminal.focus();
    };
    socket.onmessage = (message: MessageEvent<ArrayBuffer | string>) => {
      if (typeof message.data === 'string') {
        return;
      }
      const parsed = parseFrame(message.data);
      if (!parsed) {
        return;
      }
      if (parsed.channel === STDOUT || parsed.channel === STDERR) {
        terminal.write(decoder.decode(parsed.payload, { stream: true }));
      } else if (parsed.channel === ERROR) {
        const { code, message: text } = exitCodeOf(parsed.payload);
        ended = true;
        report.current(
          code === null ? { kind: 'failed', message: text } : { kind: 'exited', code },
        );
      }
    };
    socket.onclose = () => {
      if (!ended) {
        report.current({ kind: 'closed' });
      }
    };
    const input = terminal.onData((data) => {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(frame(STDIN, data));
      }
    });
    const resized = terminal.onResize(sendResize);
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet.
      }
    });
    observer.observe(element);

    return () => {
      observer.disconnect();
      input.dispose();
      resized.dispose();
      socket.close();
      terminal.dispose();
    };
  }, [url, label]);

  return <div ref={parent} style={{ height: '60vh', width: '100%' }} data-testid="pod-terminal" />;
}
