// The OpenAPI documents kubectl fetches. kubectl 1.32's `apply` checks, per kind, that the
// OpenAPI v3 document of its group version lists a PATCH operation (tagged with
// `x-kubernetes-group-version-kind`) whose path accepts the `fieldValidation` query parameter; it
// then validates on the server (`fieldValidation=Strict`) and needs no schema. Its validator also
// loads `/openapi/v2` (protobuf): an empty protobuf message is a valid empty document. Without a
// strategic-merge-patch content type in v3 and without v2 models, `apply` computes its patch from
// the types compiled into kubectl.
import { createHash } from 'node:crypto';

import { apiVersionOf, type ResourceDef, RESOURCES } from './resources.js';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const fieldValidation = {
  name: 'fieldValidation',
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
};
const dryRun = { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } };

function pathsOf(def: ResourceDef): Record<string, unknown> {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const base = `/${gvPath(def.group, def.version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.plural}`;
  const ok = { responses: { '200': { description: 'OK' } } };
  const json = { content: { 'application/json': { schema: { type: 'object' } } } };
  return {
    [base]: {
      parameters: [fieldValidation, dryRun],
      get: {
        operationId: `list${def.kind}`,
        'x-kubernetes-action': 'list',
        'x-kubernetes-group-version-kind': gvk,
        ...ok,
      },
      post: {
        operationId: `create${def.kind}`,
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': gvk,
        requestBody: json,
        ...ok,
      },
    },
    [`${base}/{name}`]: {
      parameters: [fieldValidation, dryRun],
      get: {
        operationId: `read${def.kind}`,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
        ...ok,
      },
      put: {
        operationId: `replace${def.kind}`,
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk,
        requestBody: json,
        ...ok,
      },
      patch: {
        operationId: `patch${def.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        requestBody: {
          content: {
            'application/json-patch+json': { schema: { type: 'object' } },
            'application/merge-patch+json': { schema: { type: 'object' } },
            'application/apply-patch+yaml': { schema: { type: 'object' } },
          },
        },
        ...ok,
      },
      delete: {
        operationId: `delete${def.kind}`,
        'x-kubernetes-action': 'delete',
        'x-kubernetes-group-version-kind': gvk,
        ...ok,
      },
    },
  };
}

/** The OpenAPI v3 document of a group version, or null. */
export function openApiV3(group: string, version: string): unknown {
  const defs = RESOURCES.filter((def) => def.group === group && def.version === version);
  if (defs.length === 0) return null;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: Object.assign({}, ...defs.map(pathsOf)) as Record<string, unknown>,
    components: {
      schemas: Object.fromEntries(
        defs.map((def) => [
          `io.k8s.api.${def.group === '' ? 'core' : def.group}.${def.version}.${def.kind}`,
          {
            type: 'object',
            'x-kubernetes-group-version-kind': [
              { group: def.group, version: def.version, kind: def.kind },
            ],
            description: `${def.kind} (${apiVersionOf(def)}) served by the Commander simulator.`,
          },
        ]),
      ),
    },
  };
}

/** The OpenAPI v3 discovery document (`/openapi/v3`). */
export function openApiV3Root(): unknown {
  const groupVersions = new Set(RESOURCES.map((def) => gvPath(def.group, def.version)));
  return {
    paths: Object.fromEntries(
      [...groupVersions].map((path) => {
        const [first = '', second = '', third] = path.split('/');
        const document = JSON.stringify(third ? openApiV3(second, third) : openApiV3('', second));
        void first;
        const hash = createHash('sha512').update(document).digest('hex').slice(0, 64).toUpperCase();
        return [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }];
      }),
    ),
  };
}
