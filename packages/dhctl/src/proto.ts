import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ServiceDefinition } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * Absolute path of the folder holding the dhctl `.proto` files: `packages/dhctl/proto` from the
 * sources, or `dhctl-proto/` next to a compiled bundle (`pnpm build` copies them there).
 */
export const DHCTL_PROTO_DIR = ((): string => {
  const source = fileURLToPath(new URL('../proto/', import.meta.url));
  if (existsSync(path.join(source, 'services.proto'))) return source;
  return fileURLToPath(new URL('./dhctl-proto/', import.meta.url));
})();

/** The `.proto` files of the dhctl protocol; `services.proto` imports all the others. */
export const DHCTL_PROTO_FILES = [
  'common.proto',
  'bootstrap.proto',
  'converge.proto',
  'check.proto',
  'destroy.proto',
  'abort.proto',
  'commander_attach.proto',
  'commander_detach.proto',
  'validation.proto',
  'status.proto',
  'services.proto',
] as const;

/** Fully qualified gRPC service names. */
export const DHCTL_SERVICE_NAMES = {
  dhctl: 'dhctl.DHCTL',
  validation: 'dhctl.Validation',
  status: 'dhctl.Status',
} as const;

/**
 * Where protobufjs keeps `google/protobuf/*.proto`, added to the include path for any
 * well-known type it does not bundle. The bundled ones (Duration, Struct…) always win, and
 * they use camelCase field names even with `keepCase` (see `ProtoValue`). `null` when the
 * package cannot be located.
 */
function wellKnownTypesDir(): string | null {
  try {
    const requireFromHere = createRequire(import.meta.url);
    const requireFromLoader = createRequire(requireFromHere.resolve('@grpc/proto-loader'));
    return path.dirname(requireFromLoader.resolve('protobufjs/package.json'));
  } catch {
    return null;
  }
}

/**
 * The proto-loader options every dhctl client and server in this repository uses. The
 * hand-written message types in `messages.ts` describe objects decoded with exactly these.
 */
export const dhctlProtoLoaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: protoLoader.PackageDefinition | undefined;

/**
 * Loads (once, then from cache) the dhctl protocol as a proto-loader package definition
 * with {@link dhctlProtoLoaderOptions}.
 *
 * @throws when a `.proto` file is missing or does not parse (a packaging bug).
 */
export function loadDhctlProto(): protoLoader.PackageDefinition {
  if (!cached) {
    const wkt = wellKnownTypesDir();
    cached = protoLoader.loadSync(path.join(DHCTL_PROTO_DIR, 'services.proto'), {
      ...dhctlProtoLoaderOptions,
      includeDirs: wkt ? [DHCTL_PROTO_DIR, wkt] : [DHCTL_PROTO_DIR],
    });
  }
  return cached;
}

/** The service definitions of the dhctl protocol, usable with `grpc.Server.addService`. */
export type DhctlServiceDefinitions = {
  dhctl: ServiceDefinition;
  validation: ServiceDefinition;
  status: ServiceDefinition;
};

/**
 * Service definitions for `dhctl.DHCTL`, `dhctl.Validation` and `dhctl.Status`: each maps a
 * method name (`Bootstrap`, `ValidateClusterConfig`, `GetStatus`…) to its path and codecs.
 */
export function dhctlServiceDefinitions(): DhctlServiceDefinitions {
  const definition = loadDhctlProto();
  const service = (name: string): ServiceDefinition => {
    const found = definition[name];
    // Message and enum entries carry `format`; service entries are plain method maps.
    if (!found || 'format' in found) {
      throw new Error(`dhctl proto: service ${name} not found`);
    }
    return found;
  };
  return {
    dhctl: service(DHCTL_SERVICE_NAMES.dhctl),
    validation: service(DHCTL_SERVICE_NAMES.validation),
    status: service(DHCTL_SERVICE_NAMES.status),
  };
}
