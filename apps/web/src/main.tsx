import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';

import { AppProviders } from './app/providers.js';
import { createQueryClient } from './app/query-client.js';
import { createAppRouter } from './app/router.js';
import { createI18n } from './i18n/i18n.js';

const i18n = createI18n();
const queryClient = createQueryClient(i18n);
const router = createAppRouter();

const root = document.getElementById('root');
if (!root) {
  throw new Error('index.html has no #root element');
}
createRoot(root).render(
  <StrictMode>
    <AppProviders queryClient={queryClient} i18n={i18n}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>,
);
