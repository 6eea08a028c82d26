import { expect, test } from '../../fixtures.js';

/** Inventory through the UI: a catalog with a schema, a record from its form, a JSON import. */
test('create a catalog, add a record from its generated form, import another catalog', async ({
  page,
  signIn,
  shot,
}) => {
  const suffix = Date.now().toString(36);
  await signIn(page);
  await page.goto('/w/default/clusters');
  await page
    .getByRole('navigation', { name: 'Workspace navigation' })
    .getByRole('link', { name: 'Inventory' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inventory' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Catalogs' })).toContainText('static-hosts');
  await shot(page, 'catalogs');

  // Create a catalog; its schema is checked as it is typed.
  await page.getByRole('button', { name: 'Create catalog' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a catalog' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill(`Subnets ${suffix}`);
  await dialog.getByRole('textbox', { name: 'Slug' }).fill(`subnets-${suffix}`);
  await dialog.getByRole('radio', { name: 'Exclusive' }).check();
  const schema = dialog.getByRole('textbox', { name: 'Record schema (YAML)' });
  await schema.fill('- key: cidr\n  type: strin\n  title: Subnet CIDR\n');
  await expect(dialog.getByRole('alert')).toContainText(
    'Line 2: "cidr": type must be one of string, number, boolean',
  );
  await schema.fill(
    '- key: cidr\n  type: string\n  title: Subnet CIDR\n  identifier: true\n  unique: true\n  span: 2\n- key: zone\n  type: string\n  title: Zone\n  enum: [ru-central1-a, ru-central1-b]\n  default: ru-central1-a\n  span: 2\n',
  );
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await shot(page, 'create-catalog');
  await dialog.getByRole('button', { name: 'Create catalog' }).click();

  await expect(page.getByRole('heading', { level: 1, name: `Subnets ${suffix}` })).toBeVisible();
  await page.getByRole('button', { name: 'Add record' }).click();
  const recordDialog = page.getByRole('dialog');
  await recordDialog.getByRole('textbox', { name: 'Subnet CIDR' }).fill('10.20.0.0/24');
  await recordDialog.getByRole('combobox', { name: 'Zone' }).click();
  await page.getByRole('option', { name: 'ru-central1-b' }).click();
  await recordDialog.getByRole('button', { name: 'Add record' }).click();
  const records = page.getByRole('table', { name: 'Records' });
  await expect(records.getByRole('row', { name: /10\.20\.0\.0\/24/ })).toContainText('Free');
  await shot(page, 'catalog-records');

  // Import a catalog in Commander's JSON shape.
  await page.goto('/w/default/inventory');
  await page.getByRole('button', { name: 'Import catalog' }).click();
  const importDialog = page.getByRole('dialog', { name: 'Import a catalog' });
  await importDialog.getByRole('textbox', { name: 'Catalog (JSON)' }).fill(
    JSON.stringify({
      name: `Worker nodes ${suffix}`,
      slug: `worker-nodes-${suffix}`,
      params: [
        {
          key: 'hostname',
          type: 'string',
          title: 'Hostname',
          unique: true,
          pattern: '^[a-z0-9.-]+$',
          identifier: true,
        },
        {
          key: 'ip',
          type: 'string',
          title: 'IP address',
          format: 'ipv4',
          unique: true,
          identifier: true,
        },
      ],
      resources: [
        { values: { ip: '10.128.0.39', hostname: 'worker-1' } },
        { values: { ip: '10.128.0.40', hostname: 'worker-2' } },
      ],
    }),
  );
  await importDialog.getByRole('button', { name: 'Import' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: `Worker nodes ${suffix}` }),
  ).toBeVisible();
  await expect(page.getByRole('table', { name: 'Records' }).getByRole('row')).toHaveCount(3);
  await expect(page.getByRole('table', { name: 'Records' })).toContainText('worker-2');
  await shot(page, 'imported-catalog');
});
