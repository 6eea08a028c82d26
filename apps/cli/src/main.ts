import { run } from './cli.js';
import { processEnv } from './config.js';

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: processEnv(),
  tty: process.stderr.isTTY,
});
