// First (a side-effect import stays first): starts loading the language's strings while the
// other modules evaluate.
import './i18n/start.js';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';

import { AppProviders } from './app/providers.js';
import { createQueryClient } from './app/query-client.js';
import { createAppRouter } from './app/router.js';
import { loadI18n } from './i18n/i18n.js';
import { language, translation } from './i18n/start.js';

const root = document.getElementById('root');
if (!root) {
  throw new Error('index.html has no #root element');
}
const router = createAppRouter();

loadI18n(language, translation).then(
  (i18n) => {
    const queryClient = createQueryClient(i18n);
    createRoot(root).render(
      <StrictMode>
        <AppProviders queryClient={queryClient} i18n={i18n}>
          <RouterProvider router={router} />
        </AppProviders>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    // The strings' chunk did not load (network, a stale deployment): nothing can render.
    root.textContent = 'Commander could not load. Reload the page.';
    console.error(error);
  },
);
