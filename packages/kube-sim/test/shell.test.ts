import { describe, expect, it } from 'vitest';

import { SimShell, splitWords } from '../src/shell.js';

describe('SimShell', () => {
  const shell = () => new SimShell('pod-1', { HOME: '/root', GREETING: 'hi there' });

  it('splits words with quotes and variables', () => {
    expect(splitWords(`echo "a b" 'c $HOME' $HOME`, { HOME: '/root' })).toEqual([
      'echo',
      'a b',
      'c $HOME',
      '/root',
    ]);
  });

  it('runs the builtin commands', () => {
    const sh = shell();
    expect(sh.run('echo $GREETING').stdout).toBe('hi there\n');
    expect(sh.run('hostname').stdout).toBe('pod-1\n');
    expect(sh.run('cat /etc/hostname').stdout).toBe('pod-1\n');
    expect(sh.run('ls /').stdout).toContain('etc\n');
    expect(sh.run('cd /etc').code).toBe(0);
    expect(sh.run('pwd').stdout).toBe('/etc\n');
    expect(sh.run('env').stdout).toContain('GREETING=hi there\n');
    expect(sh.run('cat nope')).toMatchObject({ code: 1 });
    expect(sh.run('sh -c "echo one; echo two"').stdout).toBe('one\ntwo\n');
  });

  it('an unknown command is not found with 127, exit ends with a code', () => {
    const sh = shell();
    expect(sh.run('kubectl get pods')).toMatchObject({
      stderr: 'sh: kubectl: not found\n',
      code: 127,
    });
    expect(sh.run('exit')).toMatchObject({ exit: true, code: 127 });
    expect(sh.run('exit 3')).toMatchObject({ exit: true, code: 3 });
  });
});
