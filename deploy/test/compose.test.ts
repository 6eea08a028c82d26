import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMPOSE = path.join(ROOT, 'docker-compose.yml');

/** Debian's docker-compose (`apt-get install docker-compose`; .ci/run installs it). */
const binary = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) =>
  existsSync(p),
);
if (!binary) {
  process.stderr.write(
    'docker-compose is not installed: docker-compose.yml is not validated (apt-get install -y docker-compose)\n',
  );
}

type Service = {
  command?: string[];
  environment?: Record<string, string>;
  read_only?: boolean;
  image?: string;
};

describe.skipIf(!binary)('docker-compose.yml (docker-compose config)', () => {
  const env = {
    PATH: process.env.PATH ?? '',
    ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: 'p',
    ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: 'd',
    ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: 's',
    COMMANDER_ADMIN_PASSWORD: 'correct horse battery staple',
  };

  it('is valid and runs the compiled image: two APIs, two managers, PostgreSQL, dhctl-sim', async () => {
    const { stdout } = await run(binary!, ['-f', COMPOSE, 'config'], { cwd: ROOT, env });
    const services = (parseYaml(stdout) as { services: Record<string, Service> }).services;
    expect(Object.keys(services).sort()).toEqual([
      'api-1',
      'api-2',
      'dhctl-sim',
      'manager-1',
      'manager-2',
      'migrate',
      'postgres',
    ]);
    const commands = Object.fromEntries(
      Object.entries(services).map(([name, s]) => [name, s.command?.join(' ')]),
    );
    expect(commands).toMatchObject({
      'api-1': 'node apps/api/dist/main.js',
      'api-2': 'node apps/api/dist/main.js',
      'manager-1': 'node apps/manager/dist/main.js',
      'manager-2': 'node apps/manager/dist/main.js',
      'dhctl-sim': 'node apps/dhctl-sim/dist/main.js',
      migrate: 'node apps/api/dist/migrate.js',
    });
    for (const [name, s] of Object.entries(services)) {
      if (name === 'postgres') continue;
      expect(s.read_only, name).toBe(true);
      expect(s.command?.join(' '), name).not.toContain('tsx');
    }
    expect(services['manager-1']!.environment!.MANAGER_REPLICA_ID).toBe('manager-1');
    expect(services['manager-2']!.environment!.MANAGER_REPLICA_ID).toBe('manager-2');
    expect(services['api-1']!.environment!.ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY).toBe('p');
  });

  it('refuses to start without the encryption keys', async () => {
    const { ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: _omit, ...withoutKeys } = env;
    await expect(
      run(binary!, ['-f', COMPOSE, 'config'], { cwd: ROOT, env: withoutKeys }),
    ).rejects.toThrow(/set the encryption keys/);
  });
});
