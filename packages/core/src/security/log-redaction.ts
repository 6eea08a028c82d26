/**
 * Field names that carry secrets in structured log lines: pino's `redact` censors them at the
 * top level and one level down (`{ password }`, `{ cluster: { privateKey } }`), in every
 * process that logs with pino (API, manager). Operation logs are masked by value instead
 * (`SecretMasker`), since dhctl's text lines have no fields.
 */
export const SECRET_LOG_FIELDS = [
  'password',
  'passwd',
  'newPassword',
  'currentPassword',
  'privateKey',
  'private_key',
  'sshPrivateKey',
  'ssh_private_key',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'secretValues',
  'secret_values',
  'apiKey',
  'agentKey',
  'agent_key',
  'authorization',
  'cookie',
  'x-auth-token',
  'x-csrf-token',
  'dockerConfig',
  'registryDockerCfg',
  'auth',
  'state',
  'connection_config',
] as const;

function path(prefix: string, field: string): string {
  const access = /^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`;
  return prefix === '' ? access.replace(/^\./, '') : `${prefix}${access}`;
}

/** pino `redact` paths for {@link SECRET_LOG_FIELDS}, plus request and response headers. */
export function logRedactPaths(): string[] {
  const paths = new Set<string>();
  for (const field of SECRET_LOG_FIELDS) {
    paths.add(path('', field));
    paths.add(path('*', field));
  }
  for (const header of ['authorization', 'cookie', 'x-auth-token', 'x-csrf-token', 'set-cookie']) {
    paths.add(path('req.headers', header));
    paths.add(path('res.headers', header));
    paths.add(path('headers', header));
  }
  return [...paths];
}
