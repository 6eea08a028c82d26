import { setupServer } from 'msw/node';

/** The mock API of component tests; each test installs the handlers it needs. */
export const server = setupServer();
