export { alreadyExists, conflict, invalid, KubeError, notFound } from './errors.js';
export { EXEC_PROTOCOLS, exitStatus } from './exec.js';
export { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
export { apiVersionOf, type ResourceDef, RESOURCES } from './resources.js';
export { parseFieldSelector, parseLabelSelector } from './selectors.js';
export { type ServedKubeSim, serveKubeSim } from './serve.js';
export { SimShell, splitWords } from './shell.js';
export {
  createKubeSim,
  type KubeSim,
  type KubeSimAttributes,
  type KubeSimIdentity,
  type KubeSimNode,
  type KubeSimOptions,
  type KubeSimRequestRecord,
} from './sim.js';
export { type KubeObject, ObjectStore, type WatchEventType } from './store.js';
export { age, toTable } from './tables.js';
