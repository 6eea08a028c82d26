import { expect, test } from '../../fixtures.js';

/**
 * A Commander-style template, as another installation exports it: params with headers, enums,
 * a password and a catalog field that picks a free host of the preset `static-hosts` inventory
 * automatically; sections that render a Static cluster whose SSHHost is that record's address,
 * and the commander-agent ModuleConfig the platform needs (Commander creates no invisible
 * configuration).
 */
function templateYaml(name: string): string {
  return `apiVersion: commander.deckhouse.io/v1
kind: ClusterTemplate
name: ${name}
comment: Static cluster on hosts from the inventory
versions:
  - comment: First version
    params:
      - header: Kubernetes
      - key: kubeVersion
        type: string
        title: Kubernetes version
        enum: ["1.32", "1.33", "1.34"]
        default: "1.33"
        span: 2
      - key: releaseChannel
        type: string
        title: Update channel
        enum: [Alpha, Beta, EarlyAccess, Stable, RockSolid]
        default: Stable
        span: 2
      - header: Access
      - key: adminPassword
        type: string
        format: password
        title: Admin password
        minLength: 8
        span: 2
      - key: sshUser
        type: string
        title: SSH user
        default: ubuntu
        pattern: "^[a-z_][a-z0-9_-]*$"
        span: 2
      - key: masterHost
        title: Master host
        catalog: static-hosts
        autoselect: true
        span: 4
    kubernetes_template: |
      apiVersion: deckhouse.io/v1
      kind: ClusterConfiguration
      clusterType: Static
      kubernetesVersion: {{ .kubeVersion | quote }}
      podSubnetCIDR: 10.111.0.0/16
      serviceSubnetCIDR: 10.222.0.0/16
      clusterDomain: cluster.local
    placement_template: |
      apiVersion: deckhouse.io/v1
      kind: StaticClusterConfiguration
      internalNetworkCIDRs:
        - 10.0.1.0/24
    ssh_template: |
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHConfig
      sshUser: {{ .sshUser }}
      sshPort: 22
      sshAgentPrivateKeys:
      - key: |
          {{- .dc_sshPrivateKey | nindent 4 }}
      ---
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHHost
      host: {{ .masterHost.host }}
    installation_template: |
      apiVersion: deckhouse.io/v1
      kind: InitConfiguration
      deckhouse:
        imagesRepo: registry.deckhouse.io/deckhouse/ce
        registryDockerCfg: eyJhdXRocyI6IHsgInJlZ2lzdHJ5LmRlY2tob3VzZS5pbyI6IHt9fX0=
    primary_resources_template: |
      apiVersion: deckhouse.io/v1alpha1
      kind: ModuleConfig
      metadata:
        name: deckhouse
      spec:
        version: 1
        enabled: true
        settings:
          bundle: Default
          releaseChannel: {{ .releaseChannel }}
      ---
      apiVersion: deckhouse.io/v1alpha1
      kind: ModuleConfig
      metadata:
        name: commander-agent
        labels:
          heritage: deckhouse-commander
      spec:
        enabled: true
        version: 1
        settings:
          commanderUrl: "http://{{ .dc_domain }}/agent_api/{{ .dc_clusterUUID }}"
    resources:
      - name: access
        sync_mode: managed
        template: |
          apiVersion: v1
          kind: Namespace
          metadata:
            name: access
          ---
          apiVersion: v1
          kind: Secret
          metadata:
            name: admin
            namespace: access
          stringData:
            password: {{ .adminPassword | quote }}
`;
}

test('import a Commander template, create a cluster from its generated form, see it Ready', async ({
  page,
  signIn,
  shot,
}) => {
  // Installation runs through the simulated dhctl; a busy machine makes it slow.
  test.setTimeout(300_000);
  const suffix = Date.now().toString(36);
  const templateName = `E2E static ${suffix}`;
  await signIn(page);

  // Import the template by pasting its YAML.
  await page.goto('/w/default/templates');
  await page.getByRole('button', { name: 'Import template' }).click();
  const importDialog = page.getByRole('dialog', { name: 'Import a template' });
  await importDialog
    .getByRole('textbox', { name: 'Template (YAML or JSON)' })
    .fill(templateYaml(templateName));
  await shot(page, 'import-dialog');
  await importDialog.getByRole('button', { name: 'Import' }).click();

  // Its page: versions, then the editor of a new version, checked live.
  await expect(page.getByRole('heading', { level: 1, name: templateName })).toBeVisible();
  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions).toContainText('First version');
  await shot(page, 'template-versions');
  await page.getByRole('tab', { name: 'Editor' }).click();
  await expect(page.getByRole('tablist', { name: 'Template sections' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'No problems found' })).toBeVisible();
  await page.getByRole('tab', { name: 'Kubernetes' }).first().click();
  await expect(page.getByText('kubernetesVersion: {{ .kubeVersion | quote }}')).toBeVisible();
  await shot(page, 'template-editor');

  // The list shows it with its current version.
  await page
    .getByRole('navigation', { name: 'Workspace navigation' })
    .getByRole('link', { name: 'Templates' })
    .click();
  const row = page
    .getByRole('table', { name: 'Cluster templates' })
    .getByRole('row', { name: new RegExp(templateName) });
  await expect(row).toContainText('v1');
  await shot(page, 'templates-list');

  // Create a cluster from the generated form.
  await page.goto('/w/default/clusters/new');
  await page.getByRole('combobox', { name: 'Template' }).click();
  await page.getByRole('option', { name: templateName }).click();
  const clusterName = `e2e-tpl-${suffix}`;
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(clusterName);

  const rendered = page.getByRole('region', { name: 'Rendered configuration' });
  await expect(rendered.getByRole('textbox', { name: 'Kubernetes (rendered YAML)' })).toContainText(
    'kubernetesVersion: "1.33"',
  );
  await page.getByRole('combobox', { name: 'Kubernetes version' }).click();
  await page.getByRole('option', { name: '1.34' }).click();
  await expect(rendered.getByRole('textbox', { name: 'Kubernetes (rendered YAML)' })).toContainText(
    'kubernetesVersion: "1.34"',
  );

  await page.getByRole('combobox', { name: 'Update channel' }).click();
  await page.getByRole('option', { name: 'EarlyAccess' }).click();
  await expect(page.getByText('Leave empty and Commander picks free records.')).toBeVisible();

  // As-you-type validation next to the field, then a valid password.
  const password = page.getByLabel('Admin password');
  await password.fill('short');
  await expect(page.getByText('Must be at least 8 characters')).toBeVisible();
  await password.fill('correct-horse-battery');
  await expect(page.getByText('Must be at least 8 characters')).toHaveCount(0);

  await rendered.getByRole('tab', { name: 'SSH' }).click();
  await expect(rendered.getByRole('textbox', { name: 'SSH (rendered YAML)' })).toContainText(
    /host: 10\.0\.1\.\d+/,
  );
  await rendered.getByRole('tab', { name: 'Primary resources' }).click();
  await expect(
    rendered.getByRole('textbox', { name: 'Primary resources (rendered YAML)' }),
  ).toContainText('releaseChannel: EarlyAccess');
  await expect(
    rendered.getByRole('textbox', { name: 'Primary resources (rendered YAML)' }),
  ).toContainText('/agent_api/<cluster-uuid>');
  await expect(rendered).toContainText('Valid');
  await shot(page, 'create-form');

  await page.getByRole('button', { name: 'Create cluster' }).click();
  await expect(page.getByRole('heading', { level: 1, name: clusterName })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Status: Ready' }).first()).toBeVisible({
    timeout: 180_000,
  });
  await shot(page, 'cluster-ready');

  // The Configuration tab: the same form prefilled, the YAML, desired against applied.
  await page.getByRole('tab', { name: 'Configuration' }).click();
  await expect(page).toHaveURL(/\/configuration$/);
  const form = page.getByRole('form', { name: 'Cluster configuration' });
  await expect(form.getByRole('combobox', { name: 'Update channel' })).toHaveValue('EarlyAccess');
  await expect(form.getByLabel('Admin password')).toHaveAttribute('placeholder', 'Unchanged');
  await expect(
    page.getByRole('region', { name: 'Desired and applied configuration' }),
  ).toContainText('No differences: the desired configuration is applied.');
  await shot(page, 'cluster-configuration');
});
