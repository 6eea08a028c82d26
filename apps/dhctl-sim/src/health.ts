// grpc.health.v1.Health: SERVING for the server ("") and the dhctl services, as upstream.
import { fileURLToPath } from 'node:url';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const HEALTH_PROTO = fileURLToPath(new URL('../proto/health.proto', import.meta.url));

type HealthRequest = { service: string };
type HealthResponse = { status: 'SERVING' | 'SERVICE_UNKNOWN' };

/** Registers the health service on `server`; `services` are the names reported SERVING. */
export function addHealthService(server: grpc.Server, services: readonly string[]): void {
  const definition = protoLoader.loadSync(HEALTH_PROTO, {
    keepCase: true,
    enums: String,
    defaults: true,
  });
  const service = definition['grpc.health.v1.Health'] as unknown as grpc.ServiceDefinition;
  const known = new Set(['', ...services]);
  const statusOf = (name: string): HealthResponse => ({
    status: known.has(name) ? 'SERVING' : 'SERVICE_UNKNOWN',
  });
  server.addService(service, {
    Check: (
      call: grpc.ServerUnaryCall<HealthRequest, HealthResponse>,
      callback: grpc.sendUnaryData<HealthResponse>,
    ) => {
      if (!known.has(call.request.service)) {
        callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
        return;
      }
      callback(null, statusOf(call.request.service));
    },
    Watch: (call: grpc.ServerWritableStream<HealthRequest, HealthResponse>) => {
      // The status never changes while the process runs: send it once, keep the stream open.
      call.write(statusOf(call.request.service));
    },
  });
}
