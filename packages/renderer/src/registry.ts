// The cluster's container registry (Registries page, `registry_id`/`registry_mode`) written into
// the rendered InitConfiguration: the document dhctl bootstraps Deckhouse from.

import { type Document, isMap, parseAllDocuments } from 'yaml';

import type { RegistryVariables } from './render.js';
import { secretPlaceholder } from './secrets.js';

/**
 * How Commander uses the cluster's registry (DKP registry module modes):
 * - `Direct` (default): Commander writes the registry (imagesRepo, scheme, CA, credentials) into
 *   the InitConfiguration, replacing what the template rendered there;
 * - `Unmanaged`: the registry is recorded for the cluster but the configuration is left as the
 *   template renders it (the template or the operator manage registry access).
 */
export const REGISTRY_MODES = ['Direct', 'Unmanaged'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

/** The placeholder key of the registry credentials in public renders. */
export const REGISTRY_DOCKER_CFG_SECRET = 'registryDockerCfg';

/** A registry as the renderer needs it. */
export type ClusterRegistry = {
  mode: RegistryMode;
  /** e.g. `registry.example.com/deckhouse/ee` */
  imagesRepo: string;
  scheme: 'HTTP' | 'HTTPS';
  /** PEM CA bundle; empty when the registry's certificate is publicly trusted. */
  ca: string;
  /**
   * Base64 docker config.json; null when the registry needs no credentials. In a public render
   * pass `public: true`: the credentials are then rendered as `<secret:registryDockerCfg>`.
   */
  dockerCfg: string | null;
};

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary);
}

/** An anonymous docker config for the registry host (dhctl wants one even without auth). */
export function anonymousDockerCfg(imagesRepo: string): string {
  const host = imagesRepo.split('/')[0] ?? imagesRepo;
  return base64(JSON.stringify({ auths: { [host]: {} } }));
}

function isInitConfiguration(doc: Document): boolean {
  const js: unknown = doc.toJS();
  return (
    typeof js === 'object' && js !== null && (js as { kind?: unknown }).kind === 'InitConfiguration'
  );
}

/**
 * The installation section with the registry applied (mode `Direct`): the InitConfiguration's
 * `deckhouse.imagesRepo`, `registryScheme`, `registryCA` and `registryDockerCfg` are set from the
 * registry (one is added when the template rendered none). With `publicRender` the credentials
 * are the `<secret:registryDockerCfg>` placeholder, so no form of them is in the text. Mode
 * `Unmanaged` and no registry leave the text as it is.
 */
export function applyRegistry(
  installation: string,
  registry: ClusterRegistry | null,
  publicRender = false,
): string {
  if (!registry || registry.mode !== 'Direct') {
    return installation;
  }
  const dockerCfg =
    registry.dockerCfg === null
      ? anonymousDockerCfg(registry.imagesRepo)
      : publicRender
        ? secretPlaceholder(REGISTRY_DOCKER_CFG_SECRET)
        : registry.dockerCfg;
  const set = (doc: Document): void => {
    if (!isMap(doc.get('deckhouse'))) {
      doc.set('deckhouse', doc.createNode({}));
    }
    doc.setIn(['deckhouse', 'imagesRepo'], registry.imagesRepo);
    doc.setIn(['deckhouse', 'registryScheme'], registry.scheme);
    if (registry.ca.trim() !== '') {
      doc.setIn(['deckhouse', 'registryCA'], registry.ca);
    } else {
      doc.deleteIn(['deckhouse', 'registryCA']);
    }
    doc.setIn(['deckhouse', 'registryDockerCfg'], dockerCfg);
  };
  const docs = parseAllDocuments(installation);
  if (!Array.isArray(docs)) {
    return installation;
  }
  let found = false;
  const parts: string[] = [];
  for (const doc of docs) {
    if (doc.errors.length === 0 && isInitConfiguration(doc)) {
      set(doc);
      found = true;
      parts.push(doc.toString().replace(/^---\n/, ''));
    } else {
      const text = installation.slice(doc.range[0], doc.range[2]).replace(/^---\s*\n/, '');
      if (text.trim() !== '') {
        parts.push(text.endsWith('\n') ? text : `${text}\n`);
      }
    }
  }
  if (!found) {
    const lines = [
      'apiVersion: deckhouse.io/v1',
      'kind: InitConfiguration',
      'deckhouse: {}',
      '',
    ].join('\n');
    const [doc] = parseAllDocuments(lines) as Document[];
    if (doc) {
      set(doc);
      parts.push(doc.toString());
    }
  }
  return parts.join('---\n');
}

/** The `dc_registry*` template variables of a cluster's registry (real values). */
export function registryVariables(registry: ClusterRegistry | null): RegistryVariables {
  return {
    dc_registryImagesRepo: registry?.imagesRepo ?? '',
    dc_registryScheme: registry?.scheme ?? '',
    dc_registryCA: registry?.ca ?? '',
    dc_registryDockerCfg: registry
      ? (registry.dockerCfg ?? anonymousDockerCfg(registry.imagesRepo))
      : '',
    dc_registryMode: registry?.mode ?? '',
  };
}
