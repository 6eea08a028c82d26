export * from './agent-queries.js';
export * from './client.js';
export * from './generated/prisma/client.js';
export * from './hot/index.js';
export * from './listen.js';
export * from './migrate.js';
export * from './server.js';
