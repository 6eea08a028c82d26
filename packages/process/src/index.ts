// Process plumbing shared by every Commander process (API, managers, simulator, start script),
// kept out of the domain (@commander/core).
export * from './supervisor.js';
