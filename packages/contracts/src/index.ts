export * from './auth.js';
export * from './catalogs.js';
export * from './cluster-templates.js';
export * from './clusters.js';
export * from './common.js';
export * from './operations.js';
export * from './workspaces.js';
export * from './agent.js';
