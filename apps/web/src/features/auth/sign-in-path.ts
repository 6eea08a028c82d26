/** Where to come back to after signing in: same-origin paths only (no open redirects). */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/sign-in')) {
    return '/';
  }
  return next;
}

/** The sign-in page URL remembering the page the user wanted and why they must sign in. */
export function signInPath(next: string, reason?: string): string {
  const params = new URLSearchParams();
  if (next !== '/' && !next.startsWith('/sign-in')) {
    params.set('next', next);
  }
  if (reason) {
    params.set('reason', reason);
  }
  const query = params.toString();
  return query ? `/sign-in?${query}` : '/sign-in';
}
