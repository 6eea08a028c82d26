import type { TemplateSections } from '@commander/contracts';
import { RECORD_ID_KEY } from '@commander/renderer';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useMemo } from 'react';
import { describe, expect, it } from 'vitest';

import { ApiError } from '../../../lib/api-client.js';
import { server } from '../../../test/msw-server.js';
import { renderWithProviders } from '../../../test/render.js';
import { parseForm, type StoredValues } from '../form-state.js';
import { useClusterValuesForm } from '../use-cluster-values-form.js';
import { ClusterValuesFields } from './cluster-values-fields.js';
import { RenderedConfiguration } from './rendered-configuration.js';

const CATALOG_ID = '00000000-0000-4000-8000-0000000000d1';
const HOST_A = '00000000-0000-4000-8000-00000000a001';
const HOST_B = '00000000-0000-4000-8000-00000000a002';
const CLUSTER_ID = '00000000-0000-4000-8000-0000000000c9';
const NOW = '2026-11-28T12:00:00.000Z';

const PARAMS = [
  { header: 'Cluster' },
  { key: 'name', type: 'string', title: 'Short name', pattern: '^[a-z]+$', span: 2 },
  { key: 'replicas', type: 'number', title: 'Replicas', default: 3, span: 2 },
  { key: 'channel', type: 'string', title: 'Channel', enum: ['Stable', 'Beta'], default: 'Stable' },
  {
    key: 'size',
    title: 'Size',
    select: [
      { text: 'Small', value: { cpu: 2 } },
      { text: 'Large', value: { cpu: 8 } },
    ],
    default: { cpu: 2 },
    span: 3,
  },
  { key: 'kind', type: 'string', title: 'Kind', default: 'Static', hidden: true },
  { header: 'Access' },
  { key: 'password', type: 'string', format: 'password', title: 'Password', minLength: 8, span: 2 },
  { key: 'host', title: 'Master host', catalog: 'hosts', autoselect: true, span: 2 },
];

const SECTIONS: TemplateSections = {
  kubernetes_template: 'name: {{ .name }}\ncpu: {{ .size.cpu }}\nhost: {{ .host.ip }}\n',
  placement_template: '',
  ssh_template: '',
  installation_template: '',
  primary_resources_template: '',
  resources: [],
};

function record(id: string, ip: string, name: string, clusterId: string | null = null) {
  return {
    id,
    catalog_id: CATALOG_ID,
    cluster_id: clusterId,
    values: { ip, name, rack: 'r1' },
    secret_values: {},
    schema_matches: true,
    used_by: [],
    current_revision: 1,
    created_at: NOW,
    updated_at: NOW,
    archived_at: null,
    archive_number: null,
  };
}

function useInventory() {
  const requests: string[] = [];
  server.use(
    http.get('*/api/v1/catalogs', () =>
      HttpResponse.json([
        {
          id: CATALOG_ID,
          workspace_id: '00000000-0000-4000-8000-0000000000aa',
          slug: 'hosts',
          name: 'Hosts',
          params: [
            { key: 'ip', type: 'string', title: 'IP', identifier: true },
            { key: 'name', type: 'string', title: 'Name', identifier: true },
            { key: 'rack', type: 'string', title: 'Rack' },
          ],
          usage: 'exclusive',
          records_count: 2,
          used_records_count: 0,
          current_revision: 1,
          created_at: NOW,
          updated_at: NOW,
          archived_at: null,
          archive_number: null,
        },
      ]),
    ),
    http.get('*/api/v1/records', ({ request }) => {
      requests.push(new URL(request.url).search);
      return HttpResponse.json([record(HOST_A, '10.0.0.1', 'a'), record(HOST_B, '10.0.0.2', 'b')]);
    }),
  );
  return requests;
}

function Harness({ stored = null }: { stored?: StoredValues | null }) {
  const parsed = useMemo(() => parseForm(PARAMS), []);
  const model = useClusterValuesForm({
    slug: 'default',
    parsed,
    sections: SECTIONS,
    stored,
    clusterId: stored ? CLUSTER_ID : null,
    clusterUuid: null,
  });
  return (
    <>
      <ClusterValuesFields
        parsed={model.parsed}
        state={model.state}
        context={model.context}
        choices={model.choices}
        errors={model.errors}
        generalErrors={model.generalErrors}
        onChange={model.setField}
      />
      <output aria-label="Values">{JSON.stringify(model.values)}</output>
      <button
        type="button"
        onClick={() =>
          model.applyServerError(
            new ApiError(422, 'not_unique', 'Must be unique', [
              { path: 'name', message: 'Already used by cluster "b"' },
            ]),
          )
        }
      >
        Answer 422
      </button>
      <RenderedConfiguration result={model.render.result} />
    </>
  );
}

function values(): Record<string, unknown> {
  return JSON.parse(screen.getByRole('status', { name: 'Values' }).textContent ?? '{}') as Record<
    string,
    unknown
  >;
}

describe('generated cluster form', () => {
  it('lays out fields under their headers in columns by the form width; hidden fields are not shown', async () => {
    useInventory();
    renderWithProviders(<Harness />);
    expect(await screen.findByRole('heading', { level: 3, name: 'Cluster' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 3, name: 'Access' })).toBeInTheDocument();
    const grid = (element: HTMLElement) => element.closest('[data-form-grid]');
    // One grid per section: its columns follow the form's width, not each field's span.
    expect(grid(screen.getByRole('textbox', { name: 'Short name' }))).toBe(
      grid(screen.getByRole('textbox', { name: 'Replicas' })),
    );
    expect(grid(screen.getByRole('textbox', { name: 'Short name' }))).not.toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Kind' })).not.toBeInTheDocument();
    // Defaults are the initial values; the hidden one is left to the server.
    expect(screen.getByRole('textbox', { name: 'Replicas' })).toHaveValue('3');
    expect(values()).toMatchObject({ replicas: 3, channel: 'Stable', size: { cpu: 2 } });
    expect(values()).not.toHaveProperty('kind');
  });

  it('offers enum values and select options whose values are objects', async () => {
    useInventory();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness />);
    await user.click(await screen.findByRole('combobox', { name: 'Size' }));
    await user.click(await screen.findByRole('option', { name: 'Large', hidden: true }));
    await user.click(screen.getByRole('combobox', { name: 'Channel' }));
    await user.click(await screen.findByRole('option', { name: 'Beta', hidden: true }));
    await waitFor(() => expect(values()).toMatchObject({ size: { cpu: 8 }, channel: 'Beta' }));
    expect(screen.getByRole('combobox', { name: 'Size' })).toHaveValue('Large');
  });

  it('validates as the user types, with the messages of the values schema', async () => {
    useInventory();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness />);
    const name = await screen.findByRole('textbox', { name: 'Short name' });
    await user.type(name, 'Prod');
    expect(name).toHaveAccessibleDescription(
      expect.stringContaining('Must match the pattern ^[a-z]+$'),
    );
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(expect.stringContaining('Required'));
    await user.type(name, 'prod');
    expect(name).not.toHaveAttribute('aria-invalid', 'true');
    const password = screen.getByLabelText(/^Password/);
    await user.type(password, 'short');
    expect(password).toHaveAccessibleDescription(
      expect.stringContaining('Must be at least 8 characters'),
    );
  });

  it('shows the server’s 422 next to the field until the user changes it', async () => {
    useInventory();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness />);
    const name = await screen.findByRole('textbox', { name: 'Short name' });
    await user.type(name, 'prod');
    await user.click(screen.getByRole('button', { name: 'Answer 422' }));
    expect(name).toHaveAccessibleDescription(
      expect.stringContaining('Already used by cluster "b"'),
    );
    await user.type(name, 'x');
    expect(name).not.toHaveAccessibleDescription(expect.stringContaining('Already used'));
  });

  it('keeps a stored password unless one is typed', async () => {
    useInventory();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(
      <Harness
        stored={{
          values: {
            name: 'prod',
            replicas: 3,
            channel: 'Stable',
            size: { cpu: 2 },
            password: null,
          },
          secret_values: { password: { has_value: true } },
        }}
      />,
    );
    const password = await screen.findByLabelText(/^Password/);
    expect(password).toHaveAttribute('placeholder', 'Unchanged');
    expect(password).toHaveAccessibleDescription(
      expect.stringContaining('A value is stored; leave empty to keep it'),
    );
    expect(password).not.toBeRequired();
    expect(values().password).toBeNull();
    await user.type(password, 'a-new-password');
    expect(values().password).toBe('a-new-password');
  });

  it('picks catalog records shown by their identifier fields; autoselect may stay empty', async () => {
    const requests = useInventory();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness />);
    const picker = await screen.findByRole('combobox', { name: 'Master host' }, { timeout: 5_000 });
    // Exclusive catalog: only free records are offered.
    expect(requests.some((q) => q.includes('free=true') && q.includes(CATALOG_ID))).toBe(true);
    expect(picker).toHaveAccessibleDescription(
      expect.stringContaining('Leave empty and Commander picks free records.'),
    );
    await waitFor(() =>
      expect(picker).toHaveAccessibleDescription(
        expect.stringContaining('Now it would pick: 10.0.0.1, a.'),
      ),
    );
    expect(values()).not.toHaveProperty('host');
    await user.click(picker);
    // The dropdown animates in; its options exist before they are visible.
    const listbox = await screen.findByRole('listbox', { name: 'Master host', hidden: true });
    expect(
      within(listbox)
        .getAllByRole('option', { hidden: true })
        .map((o) => o.textContent),
    ).toEqual(['10.0.0.1, a', '10.0.0.2, b']);
    await user.click(within(listbox).getByRole('option', { name: '10.0.0.2, b', hidden: true }));
    await waitFor(() =>
      expect(values().host).toEqual({
        ip: '10.0.0.2',
        name: 'b',
        rack: 'r1',
        [RECORD_ID_KEY]: HOST_B,
      }),
    );
  });

  it('renders the YAML beside the form as the values change', async () => {
    useInventory();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness />);
    // The first render loads the renderer (re2js, the template engine): wait as the picker test does.
    const yaml = await screen.findByRole(
      'textbox',
      { name: 'Kubernetes (rendered YAML)' },
      { timeout: 10_000 },
    );
    // The free record autoselect would pick is previewed.
    await waitFor(() => expect(yaml).toHaveTextContent('host: 10.0.0.1'), { timeout: 10_000 });
    await user.type(screen.getByRole('textbox', { name: 'Short name' }), 'edge');
    await waitFor(() => expect(yaml).toHaveTextContent('name: edge'));
    expect(yaml).toHaveTextContent('cpu: 2');
  });
});
