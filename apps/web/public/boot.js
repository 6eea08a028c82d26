// Runs before the app's module (a plain file, not an inline script: the Content-Security-Policy
// allows no inline scripts). Not compiled: keep it ES5 and free of secrets.

// 1. Apply the saved or OS colour scheme before the app loads, so a dark page never flashes white.
try {
  var saved = localStorage.getItem('mantine-color-scheme-value');
  var scheme =
    saved === 'dark' || saved === 'light'
      ? saved
      : matchMedia('(prefers-color-scheme: dark)').matches
        ? 'dark'
        : 'light';
  document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
} catch (e) {}

// 2. Start the first screen's API requests now, while the app's script downloads and compiles,
// instead of one after the other once it runs (the session, then the page's data). The app's
// API client (src/lib/api-client.ts, takeBootResponse) uses a response started here for its
// first GET of the same URL and workspace within BOOT_TTL_MS, once; a request not predicted
// exactly is simply made by the app. Same-origin GETs with the session cookie, as the app's.
try {
  (function () {
    if (typeof fetch !== 'function' || typeof Map !== 'function') {
      return;
    }
    var path = location.pathname;
    // The sign-in page asks for no session.
    if (/^\/sign-in(\/|$)/.test(path)) {
      return;
    }
    var requests = new Map();
    var start = function (url, workspace) {
      var headers = { accept: 'application/json' };
      if (workspace) {
        headers['x-workspace'] = workspace;
      }
      var response = fetch(url, { headers: headers, credentials: 'same-origin' });
      // Unused or failed: the app asks again (and sees the failure itself).
      response.catch(function () {});
      requests.set((workspace || '') + ' ' + url, response);
    };
    start('/api/v1/auth/me');
    // The cluster list (src/features/clusters/pages/clusters-page.tsx) with the default order
    // and no filter, at any page: the URL its query builds (clusters.api.ts). Its rows carry
    // their template's name and version: the page asks for no templates.
    var list = /^\/w\/([^/]+)\/clusters\/?$/.exec(path);
    var search = new URLSearchParams(location.search);
    var page = search.has('page') ? Number(search.get('page')) : 1;
    search.delete('page');
    if (list && search.toString() === '' && Math.floor(page) === page && page > 0) {
      var slug = decodeURIComponent(list[1]);
      start(
        '/api/v1/clusters?without_archived=true&sort=attention&limit=25&offset=' + (page - 1) * 25,
        slug,
      );
    }
    window.__commanderBoot = { at: Date.now(), requests: requests };
  })();
} catch (e) {}
