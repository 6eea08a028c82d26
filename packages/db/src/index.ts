export * from './client.js';
export * from './generated/prisma/client.js';
export * from './hot/operations.js';
export * from './migrate.js';
export * from './server.js';
