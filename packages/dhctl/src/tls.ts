import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';

import * as grpc from '@grpc/grpc-js';

/**
 * TLS settings of the manager → dhctl link, as configured (file paths). The connection carries
 * SSH private keys, rendered configurations and dhctl state, so anything but a loopback address
 * or a unix socket should use TLS (and, where the dhctl server can check them, client
 * certificates: mTLS).
 */
export type DhctlTlsSettings = {
  /** TLS for addresses without a scheme (`host:port`). Explicit schemes win. Default false. */
  enabled: boolean;
  /** PEM bundle of the CAs that may sign the server's certificate. Default: the system's roots. */
  caFile: string | null;
  /** PEM client certificate (mTLS); needs `keyFile`. */
  certFile: string | null;
  /** PEM private key of the client certificate; needs `certFile`. */
  keyFile: string | null;
  /** Name to check the server's certificate against (and send as SNI / authority). */
  serverName: string | null;
};

/** {@link DhctlTlsSettings} with the files read and checked. */
export type DhctlTlsMaterial = {
  enabled: boolean;
  ca: Buffer | null;
  cert: Buffer | null;
  key: Buffer | null;
  serverName: string | null;
};

/** A dhctl server address, parsed. */
export type DhctlAddress = {
  /** The address as configured. */
  address: string;
  /** The gRPC target: `host:port` or `unix:…`. */
  target: string;
  /** Whether the connection uses TLS. */
  tls: boolean;
  /** `grpcs`/`tls` (TLS), `grpc`/`tcp` (plaintext), `unix` (socket), `null` (no scheme). */
  scheme: 'grpcs' | 'tls' | 'grpc' | 'tcp' | 'unix' | null;
  /** Host name or IP (brackets removed); `null` for unix sockets. */
  host: string | null;
  /** A unix socket or a loopback host (localhost, 127.0.0.0/8, ::1). */
  isLocal: boolean;
};

/** A configuration error of the dhctl link (bad variable, unreadable or invalid file). */
export class DhctlTlsConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DhctlTlsConfigError';
  }
}

const TLS_SCHEMES = new Set(['grpcs', 'tls']);
const PLAIN_SCHEMES = new Set(['grpc', 'tcp']);

function parseBoolean(name: string, value: string | undefined): boolean | undefined {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === '') {
    return undefined;
  }
  if (['true', '1', 'yes', 'on'].includes(text)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(text)) {
    return false;
  }
  throw new DhctlTlsConfigError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

function optionalText(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

/**
 * Reads the link's TLS settings from environment variables: `DHCTL_TLS` (true/false),
 * `DHCTL_TLS_CA_FILE`, `DHCTL_TLS_CERT_FILE`, `DHCTL_TLS_KEY_FILE`, `DHCTL_TLS_SERVER_NAME`.
 *
 * @throws DhctlTlsConfigError on a value that is not a boolean, or a certificate without its key.
 */
export function dhctlTlsSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): DhctlTlsSettings {
  const settings: DhctlTlsSettings = {
    enabled: parseBoolean('DHCTL_TLS', env.DHCTL_TLS) ?? false,
    caFile: optionalText(env.DHCTL_TLS_CA_FILE),
    certFile: optionalText(env.DHCTL_TLS_CERT_FILE),
    keyFile: optionalText(env.DHCTL_TLS_KEY_FILE),
    serverName: optionalText(env.DHCTL_TLS_SERVER_NAME),
  };
  if ((settings.certFile === null) !== (settings.keyFile === null)) {
    throw new DhctlTlsConfigError(
      'DHCTL_TLS_CERT_FILE and DHCTL_TLS_KEY_FILE go together (the client certificate and its key)',
    );
  }
  return settings;
}

function readPem(variable: string, file: string | null): Buffer | null {
  if (file === null) {
    return null;
  }
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DhctlTlsConfigError(
      `${variable}: cannot read ${file} (${code}: ${(error as Error).message})`,
      { cause: error },
    );
  }
  if (!content.toString('utf8').includes('-----BEGIN ')) {
    throw new DhctlTlsConfigError(`${variable}: ${file} is not a PEM file`);
  }
  return content;
}

/**
 * Reads and checks the files of {@link DhctlTlsSettings} (once, at start-up).
 *
 * @throws DhctlTlsConfigError naming the variable and the file when a file is missing,
 * unreadable, not PEM, or when the certificate and the key do not parse or do not match.
 */
export function loadDhctlTls(settings: DhctlTlsSettings): DhctlTlsMaterial {
  if ((settings.certFile === null) !== (settings.keyFile === null)) {
    throw new DhctlTlsConfigError(
      'DHCTL_TLS_CERT_FILE and DHCTL_TLS_KEY_FILE go together (the client certificate and its key)',
    );
  }
  const ca = readPem('DHCTL_TLS_CA_FILE', settings.caFile);
  const cert = readPem('DHCTL_TLS_CERT_FILE', settings.certFile);
  const key = readPem('DHCTL_TLS_KEY_FILE', settings.keyFile);
  try {
    createSecureContext({ ca: ca ?? undefined, cert: cert ?? undefined, key: key ?? undefined });
  } catch (error) {
    throw new DhctlTlsConfigError(
      `dhctl TLS files are invalid (${[
        ca && `DHCTL_TLS_CA_FILE=${settings.caFile}`,
        cert && `DHCTL_TLS_CERT_FILE=${settings.certFile}`,
        key && `DHCTL_TLS_KEY_FILE=${settings.keyFile}`,
      ]
        .filter(Boolean)
        .join(', ')}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { enabled: settings.enabled, ca, cert, key, serverName: settings.serverName };
}

function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) {
    return true;
  }
  if (isIP(lower) === 4) {
    return lower.startsWith('127.');
  }
  if (isIP(lower) === 6) {
    return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || lower.startsWith('::ffff:127.');
  }
  return false;
}

function hostOf(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return end > 0 ? authority.slice(1, end) : authority;
  }
  const colon = authority.lastIndexOf(':');
  // `host:port`; an unbracketed IPv6 address (several colons) has no port.
  if (colon >= 0 && authority.indexOf(':') === colon) {
    return authority.slice(0, colon);
  }
  return authority;
}

/**
 * Parses a dhctl server address: `grpcs://host:port` or `tls://host:port` (TLS),
 * `grpc://host:port`, `tcp://host:port` (plaintext), `unix:///path.sock` or `unix:path`
 * (a local socket, plaintext), or a bare `host:port` (TLS when `defaultTls`).
 *
 * @throws DhctlTlsConfigError on an unknown scheme or an empty address.
 */
export function parseDhctlAddress(address: string, defaultTls = false): DhctlAddress {
  const trimmed = address.trim();
  if (trimmed === '') {
    throw new DhctlTlsConfigError('empty dhctl server address');
  }
  if (/^unix:/i.test(trimmed)) {
    return {
      address,
      target: trimmed,
      tls: false,
      scheme: 'unix',
      host: null,
      isLocal: true,
    };
  }
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(trimmed);
  let scheme: DhctlAddress['scheme'] = null;
  let rest = trimmed;
  if (match) {
    const name = match[1]!.toLowerCase();
    if (!TLS_SCHEMES.has(name) && !PLAIN_SCHEMES.has(name)) {
      throw new DhctlTlsConfigError(
        `dhctl server address ${JSON.stringify(address)}: unknown scheme ${name}:// ` +
          '(use grpcs:// or tls:// for TLS, grpc:// or tcp:// for plaintext, unix:// for a socket)',
      );
    }
    scheme = name as DhctlAddress['scheme'];
    rest = match[2]!.replace(/\/+$/, '');
  }
  if (rest === '' || rest.includes('/')) {
    throw new DhctlTlsConfigError(
      `dhctl server address ${JSON.stringify(address)}: expected host:port after the scheme`,
    );
  }
  const tls = scheme === null ? defaultTls : TLS_SCHEMES.has(scheme);
  const host = hostOf(rest);
  return { address, target: rest, tls, scheme, host, isLocal: isLoopbackHost(host) };
}

/** What {@link dhctlChannel} gives `grpc.Client`. */
export type DhctlChannel = {
  address: DhctlAddress;
  credentials: grpc.ChannelCredentials;
  channelOptions: grpc.ChannelOptions;
};

/**
 * The gRPC target, credentials and channel options for a dhctl server address: TLS (with the
 * CA bundle, the client certificate for mTLS and the server name override, when configured) or
 * plaintext.
 */
export function dhctlChannel(address: string, material?: DhctlTlsMaterial | null): DhctlChannel {
  const parsed = parseDhctlAddress(address, material?.enabled ?? false);
  if (!parsed.tls) {
    return {
      address: parsed,
      credentials: grpc.credentials.createInsecure(),
      channelOptions: {},
    };
  }
  const serverName = material?.serverName ?? null;
  return {
    address: parsed,
    credentials: grpc.credentials.createSsl(
      material?.ca ?? null,
      material?.key ?? null,
      material?.cert ?? null,
    ),
    channelOptions: serverName
      ? { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName }
      : {},
  };
}
