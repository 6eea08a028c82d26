/**
 * Under `pnpm start` every component is a child of the start script. If the start script is
 * killed outright (SIGKILL, a crashed terminal), its children would live on as orphans holding
 * ports and database connections; this watch makes a child stop itself instead. `pid` is the
 * supervisor's (COMMANDER_SUPERVISOR_PID); nothing is watched when it is undefined.
 */
export function stopWhenSupervisorDies(
  pid: number | undefined,
  stop: () => void,
  everyMs = 2_000,
): void {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1) {
    return;
  }
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch (error) {
      // EPERM means it exists under another user; only ESRCH means it is gone.
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
        clearInterval(timer);
        stop();
      }
    }
  }, everyMs);
  timer.unref();
}
