import { expect, test, unwrap } from '../../fixtures.js';
import { clusterStatus } from '../lifecycle/cluster-helpers.js';

/**
 * A template for this spec alone: the preset static template picks exclusive hosts from the
 * `static-hosts` inventory (8, shared by the whole suite), so this one names its host itself
 * (the simulated dhctl connects to any). Version 2 changes a managed resource only: a change,
 * not a destructive one.
 */
function templateYaml(name: string): string {
  const version = (n: number) => `  - comment: Marker ${n}
    params:
      - key: host
        type: string
        title: Host
        default: 10.0.9.1
    kubernetes_template: |
      apiVersion: deckhouse.io/v1
      kind: ClusterConfiguration
      clusterType: Static
      kubernetesVersion: "1.33"
      podSubnetCIDR: 10.111.0.0/16
      serviceSubnetCIDR: 10.222.0.0/16
      clusterDomain: cluster.local
    placement_template: |
      apiVersion: deckhouse.io/v1
      kind: StaticClusterConfiguration
      internalNetworkCIDRs:
        - 10.0.9.0/24
    ssh_template: |
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHConfig
      sshUser: ubuntu
      sshPort: 22
      sshAgentPrivateKeys:
      - key: |
          {{- .dc_sshPrivateKey | nindent 4 }}
      ---
      apiVersion: dhctl.deckhouse.io/v1
      kind: SSHHost
      host: {{ .host }}
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
        name: commander-agent
        labels:
          heritage: deckhouse-commander
      spec:
        enabled: true
        version: 1
        settings:
          commanderUrl: "http://{{ .dc_domain }}/agent_api/{{ .dc_clusterUUID }}"
    resources:
      - name: marker
        sync_mode: managed
        template: |
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: rollout-marker
            namespace: default
          data:
            version: "${n}"
`;
  return `apiVersion: commander.deckhouse.io/v1
kind: ClusterTemplate
name: ${name}
comment: Staged rollout e2e
versions:
${version(1)}${version(2)}`;
}

/**
 * A staged rollout from the UI: three clusters on version 1; "Roll out version…" on the
 * template's Clusters tab shows the plan (3 changes, waves 1 / 10 % / rest) before starting;
 * wave 1 soaks and completes, a converge failure injected in the simulated dhctl while wave 1
 * soaks fails wave 2's cluster, the rollout pauses with the reason shown and wave 3 does not
 * start; after Resume it completes with every cluster done. The page follows live events.
 * The Rollouts list shows it, filtered by its template too (the filter is in the URL).
 */
test('plan a rollout, watch it pause on a failure in wave 2, resume it to completion', async ({
  page,
  api,
  signIn,
  shot,
}) => {
  test.setTimeout(420_000);
  const suffix = Date.now().toString(36);
  const templateName = `E2E rollout ${suffix}`;
  const imported = await unwrap(
    api.client.POST('/api/v1/cluster_templates/import', {
      body: { content: templateYaml(templateName) },
    }),
  );
  const [v1, v2] = [...imported.cluster_template_versions].sort((a, b) => a.number - b.number);
  expect(v2, 'the template has two versions').toBeTruthy();

  const names = ['a', 'b', 'c'].map((n) => `e2e-ro-${suffix}-${n}`);
  const clusters: { id: string; name: string }[] = [];
  try {
    for (const name of names) {
      clusters.push(
        await unwrap(
          api.client.POST('/api/v1/clusters/', {
            body: { name, cluster_template_version_id: v1!.id, values: { host: '10.0.9.1' } },
          }),
        ),
      );
    }
    for (const cluster of clusters) {
      await expect.poll(() => clusterStatus(api, cluster.id), { timeout: 180_000 }).toBe('in_sync');
    }

    await signIn(page);
    await page.goto(`/w/default/templates/${imported.id}/clusters`);
    await expect(page.getByRole('table', { name: 'Clusters on this template' })).toContainText(
      names[2]!,
    );
    await page.getByRole('button', { name: 'Roll out version…' }).click();
    const dialog = page.getByRole('dialog', { name: `Roll out a version of ${templateName}` });
    await expect(dialog.getByRole('combobox', { name: 'Target version' })).toHaveValue(
      'Version 2 — Marker 2',
    );
    await expect(
      dialog.getByRole('radio', { name: 'All 3 clusters of the template' }),
    ).toBeChecked();
    await expect(dialog.getByRole('combobox', { name: 'Waves' })).toHaveValue(
      '1, then 10 %, then the rest',
    );
    // Long enough to inject the fault while wave 1 soaks, before wave 2 starts.
    await dialog.getByRole('textbox', { name: /Soak time/ }).fill('10');
    await expect(dialog.getByRole('button', { name: 'Start rollout' })).toBeDisabled();
    await dialog.getByRole('button', { name: 'Plan' }).click();

    const plan = dialog.getByRole('region', { name: 'Plan' });
    await expect(plan).toContainText('3 clusters');
    await expect(plan).toContainText('3 change');
    await expect(plan).toContainText('0 destructive');
    for (const [i, name] of names.entries()) {
      await expect(plan.getByRole('table', { name: `Wave ${i + 1} of 3` })).toContainText(name);
    }
    await shot(page, 'plan');
    await dialog.getByRole('button', { name: 'Start rollout' }).click();

    await expect(page).toHaveURL(/\/w\/default\/rollouts\/[0-9a-f-]{36}$/);
    const rolloutId = page.url().split('/').pop()!;
    await expect(
      page.getByRole('heading', { level: 1, name: `${templateName} → v2` }),
    ).toBeVisible();
    await expect(page.getByRole('status', { name: 'Rollout: Running' })).toBeVisible();
    const wave = (n: number) => page.getByRole('region', { name: `Wave ${n} of 3` });

    // Wave 1 soaks: now a converge fails once, which is wave 2's cluster's.
    await expect
      .poll(
        async () => {
          const rollout = await unwrap(
            api.client.GET('/api/v1/rollouts/{id}', { params: { path: { id: rolloutId } } }),
          );
          return rollout.waves[0]?.clusters[0]?.state;
        },
        { timeout: 180_000, intervals: [250] },
      )
      .toMatch(/^(soaking|done)$/);
    await api.sim('POST', '/sim/faults', { operation: 'Converge', times: 1 });

    await expect(
      wave(1).getByRole('status', { name: `${names[0]}: Done` }),
      'wave 1 completes',
    ).toBeVisible({ timeout: 120_000 });
    await expect(page.getByRole('status', { name: 'Rollout: Paused' })).toBeVisible({
      timeout: 180_000,
    });
    await expect(wave(2).getByRole('status', { name: `${names[1]}: Failed` })).toBeVisible();
    const paused = page.getByRole('alert').filter({ hasText: 'The rollout is paused' });
    await expect(paused).toContainText(names[1]!);
    await expect(wave(3)).toContainText('Not started');
    await expect(wave(3).getByRole('status', { name: `${names[2]}: Pending` })).toBeVisible();
    await shot(page, 'paused');

    await api.sim('DELETE', '/sim/faults');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByRole('status', { name: 'Rollout: Completed' })).toBeVisible({
      timeout: 240_000,
    });
    for (const [i, name] of names.entries()) {
      await expect(wave(i + 1).getByRole('status', { name: `${name}: Done` })).toBeVisible();
    }
    await expect(page.getByText('3 of 3 clusters done')).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: 'paused' })).toHaveCount(0);
    await shot(page, 'completed');

    // The workspace's rollout list, from the navigation.
    await page
      .getByRole('navigation', { name: 'Workspace navigation' })
      .getByRole('link', { name: 'Rollouts' })
      .click();
    const row = page
      .getByRole('table', { name: 'Rollouts' })
      .getByRole('row', { name: new RegExp(`${templateName} → v2`) });
    await expect(row.getByRole('status', { name: 'Rollout: Completed' })).toBeVisible();
    await expect(row).toContainText('3 / 3');

    // Filtered by template (in the URL, so it survives a reload).
    const templateFilter = page.getByRole('combobox', { name: 'Template', exact: true });
    await templateFilter.click();
    await page.getByRole('option', { name: templateName, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]template=${imported.id}(&|$)`));
    await expect(row.getByRole('status', { name: 'Rollout: Completed' })).toBeVisible();
    await page.reload();
    await expect(templateFilter).toHaveValue(templateName);
    await expect(row).toContainText('3 / 3');
    // A template without rollouts (an id the list does not know): nothing matches.
    await page.goto(`/w/default/rollouts?template=${v1!.id}`);
    await expect(page.getByText('No rollouts match the filter')).toBeVisible();
    await expect(templateFilter).toHaveValue('Unknown template');
    await page.goto(`/w/default/rollouts?template=${imported.id}`);
    await expect(row).toBeVisible();

    // In Russian.
    await page.evaluate(() => window.localStorage.setItem('commander.language', 'ru'));
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Раскатки' })).toBeVisible();
    await expect(
      page
        .getByRole('table', { name: 'Раскатки' })
        .getByRole('row', { name: new RegExp(`${templateName} → v2`) })
        .getByRole('status', { name: 'Раскатка: Завершена' }),
    ).toBeVisible();
    await page.evaluate(() => window.localStorage.setItem('commander.language', 'en'));
  } finally {
    await api.sim('DELETE', '/sim/faults');
    for (const cluster of clusters) {
      await api.client.DELETE('/api/v1/clusters/{id}', { params: { path: { id: cluster.id } } });
    }
    for (const cluster of clusters) {
      await expect
        .poll(
          async () =>
            (
              await api.client.GET('/api/v1/clusters/{id}', {
                params: { path: { id: cluster.id } },
              })
            ).response.status,
          { timeout: 180_000 },
        )
        .toBe(404);
    }
    await api.client.DELETE('/api/v1/cluster_templates/{id}', {
      params: { path: { id: imported.id } },
    });
  }
});
