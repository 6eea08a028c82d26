// `pods/exec` over the Kubernetes WebSocket streaming protocol (`v5.channel.k8s.io`,
// `v4.channel.k8s.io`): every binary message starts with a channel byte (0 stdin, 1 stdout,
// 2 stderr, 3 error/status, 4 resize; v5 adds 255 = "close this channel"). The session ends with a
// `Status` on the error channel, then the socket closes.
import type { WebSocket } from 'ws';

import { SimShell } from './shell.js';

/** The subprotocols the simulator speaks, preferred first. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

/** What an exec session runs. */
export type ExecRequest = {
  command: string[];
  tty: boolean;
  stdin: boolean;
  hostname: string;
  env: Record<string, string>;
};

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash', 'ash', '/bin/ash']);

/** The terminal status `Status` sent on the error channel. */
export function exitStatus(command: string[], code: number): unknown {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** Runs one exec session on an accepted WebSocket. */
export function runExecSession(socket: WebSocket, request: ExecRequest): void {
  const shell = new SimShell(request.hostname, request.env);
  const crlf = (text: string) => (request.tty ? text.replaceAll(/\r?\n/g, '\r\n') : text);
  let finished = false;

  const send = (channel: number, text: string) => {
    if (text === '' || socket.readyState !== socket.OPEN) return;
    socket.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text, 'utf8')]));
  };
  const out = (stdout: string, stderr: string) => {
    if (request.tty) send(STDOUT, crlf(stdout + stderr));
    else {
      send(STDOUT, stdout);
      send(STDERR, stderr);
    }
  };
  const finish = (code: number) => {
    if (finished) return;
    finished = true;
    if (socket.readyState === socket.OPEN) {
      socket.send(
        Buffer.concat([
          Buffer.from([ERROR]),
          Buffer.from(JSON.stringify(exitStatus(request.command, code))),
        ]),
      );
      socket.close(1000);
    }
  };

  const [program, ...args] = request.command;
  const interactive =
    program !== undefined && SHELLS.has(program) && args[0] !== '-c' && request.stdin;
  if (!interactive) {
    const result = shell.exec(request.command);
    out(result.stdout, result.stderr);
    finish(result.code);
    return;
  }

  const prompt = () => {
    if (request.tty) send(STDOUT, `${shell.cwd} # `);
  };
  let line = '';
  const runLine = (text: string): boolean => {
    const result = shell.run(text);
    out(result.stdout, result.stderr);
    if (result.exit) {
      finish(result.code);
      return false;
    }
    return true;
  };
  const onInput = (text: string) => {
    for (const char of text) {
      if (finished) return;
      if (char === '\r' || char === '\n') {
        if (request.tty) {
          if (char === '\n' && line === '' && text.includes('\r\n')) continue;
          send(STDOUT, '\r\n');
        }
        const current = line;
        line = '';
        if (runLine(current)) prompt();
      } else if (request.tty && (char === '\x7f' || char === '\b')) {
        if (line.length > 0) {
          line = line.slice(0, -1);
          send(STDOUT, '\b \b');
        }
      } else if (request.tty && char === '\x03') {
        line = '';
        send(STDOUT, '^C\r\n');
        prompt();
      } else if (char === '\x04') {
        if (line === '') {
          finish(shell.lastCode);
          return;
        }
      } else if (char >= ' ' || char === '\t') {
        line += char;
        if (request.tty) send(STDOUT, char);
      }
    }
  };
  const endOfInput = () => {
    if (line !== '' && !finished) runLine(line);
    line = '';
    finish(shell.lastCode);
  };

  prompt();
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    const bytes = isBinary ? data : Buffer.from(data.toString(), 'utf8');
    if (bytes.length === 0) return;
    const channel = bytes[0];
    const payload = bytes.subarray(1);
    if (channel === STDIN) onInput(payload.toString('utf8'));
    else if (channel === CLOSE && payload[0] === STDIN) endOfInput();
    else if (channel === RESIZE) {
      // Resize events ({"Width":..,"Height":..}) change nothing in the simulated shell.
    }
  });
  socket.on('close', () => {
    finished = true;
  });
}
