// Apply the saved or OS colour scheme before the app loads, so a dark page never flashes white.
// A file rather than an inline script: the Content-Security-Policy allows no inline scripts.
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
