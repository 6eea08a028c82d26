// Reads the TLS files of the simulator's gRPC server (DHCTL_SIM_TLS_*), with errors that name
// the variable and the file.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

import type { SimConfig } from './config.js';
import type { SimTls } from './sim.js';

function read(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/**
 * The server's TLS material, or `null` (plaintext) when no certificate is configured.
 *
 * @throws Error naming the variable and the file when a file is unreadable or invalid.
 */
export function loadSimTls(tls: SimConfig['tls']): SimTls | null {
  if (!tls) {
    return null;
  }
  const material: SimTls = {
    cert: read('DHCTL_SIM_TLS_CERT_FILE', tls.certFile),
    key: read('DHCTL_SIM_TLS_KEY_FILE', tls.keyFile),
    clientCa: tls.clientCaFile ? read('DHCTL_SIM_TLS_CLIENT_CA_FILE', tls.clientCaFile) : null,
  };
  try {
    createSecureContext({
      cert: material.cert,
      key: material.key,
      ca: material.clientCa ?? undefined,
    });
  } catch (error) {
    throw new Error(
      `DHCTL_SIM_TLS_CERT_FILE=${tls.certFile} / DHCTL_SIM_TLS_KEY_FILE=${tls.keyFile}` +
        `${tls.clientCaFile ? ` / DHCTL_SIM_TLS_CLIENT_CA_FILE=${tls.clientCaFile}` : ''}: ` +
        `invalid TLS files (${(error as Error).message})`,
      { cause: error },
    );
  }
  return material;
}
