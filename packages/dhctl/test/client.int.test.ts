// The client against a scripted gRPC server speaking the dhctl protocol (the full simulator
// is exercised in apps/dhctl-sim's tests).
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  createDhctlClient,
  type Dhctl,
  dhctlServiceDefinitions,
  DhctlTransportError,
  type OperationRequest,
  type OperationResponse,
} from '../src/index.js';

type Call = grpc.ServerDuplexStream<OperationRequest<unknown>, OperationResponse<unknown>>;
type Script = (call: Call, events: string[]) => void;

let server: grpc.Server;
let address: string;
let client: Dhctl;
let script: Script;
let events: string[];

/** Collects what the client sent; returns helpers to wait for the next message. */
function inbox(call: Call) {
  const queue: OperationRequest<unknown>[] = [];
  const waiters: ((message: OperationRequest<unknown>) => void)[] = [];
  call.on('data', (message: OperationRequest<unknown>) => {
    events.push(`client:${message.message ?? '?'}`);
    const waiter = waiters.shift();
    if (waiter) {
      waiter(message);
    } else {
      queue.push(message);
    }
  });
  call.on('end', () => events.push('client:end'));
  return {
    next(): Promise<OperationRequest<unknown>> {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

const phaseEnd = (completed: string, next: string) => ({
  phase_end: {
    completed_phase: completed,
    completed_phase_state: { uuid: Buffer.from('u-1') },
    next_phase: next,
    next_phase_critical: false,
  },
});

beforeAll(async () => {
  const definitions = dhctlServiceDefinitions();
  server = new grpc.Server();
  const stream = (call: Call) => script(call, events);
  server.addService(definitions.dhctl, {
    Bootstrap: stream,
    Check: stream,
    Converge: stream,
    Destroy: stream,
    Abort: stream,
    CommanderAttach: stream,
    CommanderDetach: stream,
  });
  server.addService(definitions.validation, {
    ValidateClusterConfig: (
      call: grpc.ServerUnaryCall<{ config: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => callback(null, { cluster_config: '', err: `bad: ${call.request.config}` }),
  });
  server.addService(definitions.status, {
    GetStatus: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, { requests_by_method: { '/dhctl.DHCTL/Check': 3 }, requests_in_progress: 1 }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  address = `127.0.0.1:${port}`;
  client = createDhctlClient(address, { cancelGraceMs: 2000 });
});

afterAll(() => {
  client.close();
  server.forceShutdown();
});

beforeEach(() => {
  events = [];
});

describe('streaming conversation', () => {
  it('sends start, answers phase ends after the hooks, and half-closes only after the result', async () => {
    const continues: unknown[] = [];
    script = (call) => {
      const messages = inbox(call);
      void (async () => {
        const start = await messages.next();
        expect(start.start).toMatchObject({ cluster_config: 'cc' });
        call.write(phaseEnd('', 'PreInfraPreflights'));
        continues.push((await messages.next()).continue);
        call.write({ logs: { logs: ['┌ Preflight', '└ Preflight (1.00 seconds)'] } });
        call.write(phaseEnd('PreInfraPreflights', 'BaseInfra'));
        continues.push((await messages.next()).continue);
        events.push('server:result');
        call.write({ result: { state: '{"uuid":"dS0x"}', err: '' } });
        call.on('end', () => call.end());
      })();
    };
    const hooks: string[] = [];
    const outcome = await client.bootstrap(
      { cluster_config: 'cc' },
      {
        onLogs: async (lines) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          hooks.push(`logs:${lines.length}`);
        },
        onPhaseEnd: (e) => {
          hooks.push(
            `phase:${e.completed_phase}->${e.next_phase}:${e.completed_phase_state.uuid?.toString() ?? ''}`,
          );
          return e.completed_phase === '' ? 'next' : 'stop';
        },
      },
    );
    expect(outcome).toEqual({ ok: true, state: '{"uuid":"dS0x"}', result: null, stopped: true });
    expect(continues).toEqual([
      { continue: 'CONTINUE_NEXT_PHASE', err: '' },
      { continue: 'CONTINUE_STOP_OPERATION', err: '' },
    ]);
    // The slow onLogs hook finished before the next phase end was handed over.
    expect(hooks).toEqual([
      'phase:->PreInfraPreflights:u-1',
      'logs:2',
      'phase:PreInfraPreflights->BaseInfra:u-1',
    ]);
    expect(events.indexOf('client:end')).toBeGreaterThan(events.indexOf('server:result'));
  });

  it('answers CONTINUE_ERROR when the phase-end hook fails and reports the hook error', async () => {
    let received: unknown;
    script = (call) => {
      const messages = inbox(call);
      void (async () => {
        await messages.next();
        call.write(phaseEnd('', 'Check'));
        const answer = await messages.next();
        received = answer.continue;
        call.write({ result: { state: '{}', result: '', err: answer.continue?.err ?? '' } });
        call.on('end', () => call.end());
      })();
    };
    const outcome = await client.converge(
      {},
      {
        onPhaseEnd: () => {
          throw new Error('database is down');
        },
      },
    );
    expect(received).toEqual({
      continue: 'CONTINUE_ERROR',
      err: 'onPhaseEnd hook failed: database is down',
    });
    expect(outcome).toEqual({
      ok: false,
      state: '{}',
      error: 'onPhaseEnd hook failed: database is down',
    });
  });

  it('sends cancel when the AbortSignal fires', async () => {
    script = (call) => {
      const messages = inbox(call);
      void (async () => {
        await messages.next();
        call.write({
          progress: {
            operation: 'Check',
            progress: 0.5,
            completed_phase: 'CheckInfra',
            current_phase: 'CheckConfiguration',
            next_phase: '',
            completed_sub_phase: '',
            current_sub_phase: '',
            next_sub_phase: '',
            phases: [],
          },
        });
        const next = await messages.next();
        if (next.cancel) {
          call.write({ result: { state: '{"uuid":"eA=="}', result: '', err: 'canceled' } });
        }
        call.on('end', () => call.end());
      })();
    };
    const controller = new AbortController();
    const outcome = await client.check(
      { options: { commander_mode: true } },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    expect(outcome).toEqual({ ok: false, state: '{"uuid":"eA=="}', error: 'canceled' });
    expect(events).toContain('client:cancel');
  });

  it('parses the check result and reports a malformed one as an error with the state', async () => {
    let body = '';
    script = (call) => {
      const messages = inbox(call);
      void (async () => {
        await messages.next();
        call.write({ result: { state: '{"a":"Yg=="}', result: body, err: '' } });
        call.on('end', () => call.end());
      })();
    };
    body = JSON.stringify({ status: 'InSync', status_details: { configuration_status: 'InSync' } });
    const good = await client.check({});
    expect(good.ok && good.result.status).toBe('InSync');
    body = '{"status":"Maybe"}';
    const bad = await client.check({});
    expect(bad).toMatchObject({ ok: false, state: '{"a":"Yg=="}' });
    expect(!bad.ok && bad.error).toMatch(/malformed dhctl result: check result: unknown status/);
  });
});

describe('transport failures', () => {
  it('throws a retryable DhctlTransportError for ResourceExhausted', async () => {
    script = (call) => {
      call.emit('error', {
        code: grpc.status.RESOURCE_EXHAUSTED,
        details: 'too many dhctl operations have already started',
      });
    };
    const error = await client.destroy({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DhctlTransportError);
    expect(error).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      codeName: 'RESOURCE_EXHAUSTED',
      retryable: true,
      method: '/dhctl.DHCTL/Destroy',
    });
  });

  it('throws when the stream ends without a result', async () => {
    script = (call) => {
      const messages = inbox(call);
      void messages.next().then(() => call.end());
    };
    await expect(client.abort({})).rejects.toThrow(/ended without a result/);
  });

  it('throws UNAVAILABLE when nothing listens', async () => {
    const unreachable = createDhctlClient('127.0.0.1:1', { unaryDeadlineMs: 2000 });
    try {
      const error = await unreachable.commanderDetach({}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: grpc.status.UNAVAILABLE, retryable: true });
    } finally {
      unreachable.close();
    }
  });
});

describe('unary calls', () => {
  it('returns Validation and Status responses as they are', async () => {
    await expect(client.validation.validateClusterConfig({ config: 'x' })).resolves.toEqual({
      cluster_config: '',
      err: 'bad: x',
    });
    const status = await client.getStatus();
    expect(status.requests_by_method).toEqual({ '/dhctl.DHCTL/Check': '3' });
    expect(status.requests_in_progress).toBe('1');
  });

  it('wraps an unimplemented method as a non-retryable transport error', async () => {
    await expect(client.validation.validateChanges({ phase: 'x' })).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      retryable: false,
    });
  });
});
