import { AGENT_GROUP, agentBootstrapYaml, agentWorkloadResources } from '@commander/core';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const MODELS: Record<string, new (data: never) => { validate: () => void }> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/ServiceAccount': ServiceAccount,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'apps/v1/Deployment': Deployment,
};

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The `commander-agent` resource group's objects validate against Kubernetes' schemas. */
describe(`the ${AGENT_GROUP} resource group`, () => {
  it('installs a running agent at bootstrap: namespace, credentials, account, RBAC, Deployment', () => {
    const yaml = agentBootstrapYaml(
      'agent-key',
      'https://commander.example/agent_api/uuid',
      'registry.example/commander-agent:1.2.3',
    );
    const objects = parseAllDocuments(yaml).map((d) => d.toJS() as Obj);
    expect(objects.map((o) => o.kind)).toEqual([
      'Namespace',
      'Secret',
      'ServiceAccount',
      'ClusterRoleBinding',
      // The connector's impersonation groups bound to the built-in roles (issue 14).
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'Deployment',
    ]);
    const groupBindings = objects
      .filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name !== 'commander-agent')
      .map((o) => {
        const b = o as Obj & {
          roleRef: { name: string };
          subjects: { kind: string; name: string }[];
        };
        return [b.subjects[0]!.kind, b.subjects[0]!.name, b.roleRef.name];
      });
    expect(groupBindings).toEqual([
      ['Group', 'commander:cluster-admin', 'cluster-admin'],
      ['Group', 'commander:edit', 'edit'],
      ['Group', 'commander:view', 'view'],
    ]);
    for (const obj of objects) {
      const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
      expect(Model, obj.kind).toBeDefined();
      new Model!(obj as never).validate();
    }
    const deployment = objects.find((o) => o.kind === 'Deployment') as Obj & {
      spec: {
        strategy: { type: string };
        template: {
          spec: {
            serviceAccountName: string;
            containers: { image: string; securityContext: Record<string, unknown> }[];
          };
        };
      };
    };
    expect(deployment.metadata.namespace).toBe('d8-commander-agent');
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('commander-agent');
    expect(deployment.spec.template.spec.containers[0]!.image).toBe(
      'registry.example/commander-agent:1.2.3',
    );
    expect(deployment.spec.template.spec.containers[0]!.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
  });

  it('without a configured image carries only the namespace and credentials', () => {
    const objects = parseAllDocuments(agentBootstrapYaml('k', 'https://c/agent_api/u')).map(
      (d) => (d.toJS() as Obj).kind,
    );
    expect(objects).toEqual(['Namespace', 'Secret']);
  });

  it('an image change is a change of the group (rolled out like any resource)', () => {
    const [a, b] = [agentWorkloadResources('img:1'), agentWorkloadResources('img:2')];
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });
});
