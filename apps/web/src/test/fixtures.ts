import type {
  Cluster,
  ClusterTemplate,
  ClusterTemplateVersion,
  Me,
  Operation,
} from '@commander/contracts';

const NOW = '2026-11-28T12:00:00.000Z';

/** A signed-in workspace admin of `default`. */
export function meFixture(overrides: Partial<Me> = {}): Me {
  return {
    kind: 'user',
    user: {
      id: '00000000-0000-4000-8000-000000000001',
      email: 'admin@example.com',
      name: 'Admin',
      has_password: true,
    },
    token: null,
    workspaces: [
      {
        id: '00000000-0000-4000-8000-0000000000aa',
        slug: 'default',
        name: 'Default',
        permissions: [
          'clusters:read',
          'clusters:write',
          'cluster_templates:read',
          'workspace_tokens:read',
          'workspace_tokens:write',
        ],
      },
    ],
    global_permissions: [],
    csrf_token: 'csrf-1',
    session_expires_at: '2026-11-29T12:00:00.000Z',
    ...overrides,
  };
}

let counter = 0;
function uuid(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export function versionFixture(
  overrides: Partial<ClusterTemplateVersion> = {},
): ClusterTemplateVersion {
  return {
    id: uuid(),
    cluster_template_id: '00000000-0000-4000-8000-0000000000b1',
    number: 1,
    comment: '',
    available: true,
    params: [{ key: 'replicas', type: 'number', title: 'Replicas', default: 3 }],
    kubernetes_template: '',
    placement_template: '',
    ssh_template: '',
    installation_template: '',
    primary_resources_template: '',
    resources: [],
    created_by: null,
    created_at: NOW,
    updated_at: NOW,
    ...overrides,
  };
}

export function templateFixture(overrides: Partial<ClusterTemplate> = {}): ClusterTemplate {
  const versions = overrides.cluster_template_versions ?? [versionFixture()];
  return {
    id: '00000000-0000-4000-8000-0000000000b1',
    workspace_id: '00000000-0000-4000-8000-0000000000aa',
    name: 'Static cluster',
    comment: '',
    current_cluster_template_version_id: versions[0]?.id ?? null,
    current_revision: 1,
    immutable: false,
    created_at: NOW,
    updated_at: NOW,
    archived_at: null,
    archive_number: null,
    clusters_count: 0,
    cluster_template_versions: versions,
    ...overrides,
  };
}

export function clusterFixture(overrides: Partial<Cluster> = {}): Cluster {
  const id = overrides.id ?? uuid();
  return {
    id,
    uuid: id,
    workspace_id: '00000000-0000-4000-8000-0000000000aa',
    name: 'prod-1',
    status: 'in_sync',
    values: {},
    secret_values: {},
    cluster_template_version_id: null,
    cluster_template_id: null,
    cluster_template_name: null,
    cluster_template_version_number: null,
    registry_id: null,
    registry_mode: null,
    current_revision: 1,
    was_created: true,
    is_locked: false,
    cluster_type: 'static',
    settings: { change_mode: 'auto', check_interval: 60 },
    created_at: NOW,
    updated_at: NOW,
    archived_at: null,
    archive_number: null,
    render_errors: null,
    desired_cluster_configuration_rendered: null,
    desired_provider_specific_cluster_configuration_rendered: null,
    desired_resources_rendered: null,
    desired_init_configuration_rendered: null,
    applied_cluster_configuration_rendered: null,
    applied_provider_specific_cluster_configuration_rendered: null,
    applied_resources_rendered: null,
    cluster_configuration_checked_at: null,
    cluster_configuration_applied_at: null,
    cluster_template_version_switched_at: null,
    resources_sync_state: 'no',
    resources_state_results: [],
    agent_status: 'unknown',
    cluster_agent_data: [],
    connection_hosts: { masters: [] },
    last_operation: null,
    ...overrides,
  };
}

export function operationFixture(overrides: Partial<Operation> = {}): Operation {
  return {
    id: uuid(),
    cluster_id: '00000000-0000-4000-8000-0000000000c1',
    kind: 'install',
    status: 'running',
    phase: 'base-infrastructure',
    phases: [],
    progress: 0.4,
    attempt: 1,
    manager_replica_id: 'manager-1',
    requested_by: 'admin@example.com',
    error: null,
    result: null,
    log_count: 0,
    created_at: NOW,
    started_at: NOW,
    finished_at: null,
    heartbeat_at: NOW,
    ...overrides,
  };
}

/** Registry `n` of `default` (ids `…f00n`), without credentials. */
export function registryFixture(n: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `00000000-0000-4000-8000-00000000f00${n}`,
    workspace_id: '00000000-0000-4000-8000-0000000000aa',
    name: `Registry ${n}`,
    images_repo: `r${n}.example.com/deckhouse/ee`,
    scheme: 'HTTPS',
    ca: '',
    has_auth: false,
    current_revision: 1,
    created_at: NOW,
    updated_at: NOW,
    archived_at: null,
    ...overrides,
  };
}
