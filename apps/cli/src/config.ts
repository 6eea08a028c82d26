import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** What `login` and `use-workspace` remember (a token: the file is written 0600). */
export type CliConfig = { server?: string; token?: string; workspace?: string };

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.COMMANDER_CONFIG) {
    return path.resolve(env.COMMANDER_CONFIG);
  }
  const base = env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config');
  return path.join(base, 'commander', 'config.json');
}

export function readConfig(file: string): CliConfig {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object') {
      const c = parsed as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      return { server: str(c.server), token: str(c.token), workspace: str(c.workspace) };
    }
  } catch {
    // No file yet, or not JSON: nothing remembered.
  }
  return {};
}

export function writeConfig(file: string, config: CliConfig): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The environment the CLI reads (COMMANDER_URL, COMMANDER_TOKEN, COMMANDER_WORKSPACE, ...). */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}
