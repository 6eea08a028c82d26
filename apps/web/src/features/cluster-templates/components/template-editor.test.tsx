import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { versionFixture } from '../../../test/fixtures.js';
import { server } from '../../../test/msw-server.js';
import { renderWithProviders } from '../../../test/render.js';
import { TemplateEditor } from './template-editor.js';

const TEMPLATE_ID = '00000000-0000-4000-8000-0000000000b1';

const broken = versionFixture({
  params: [
    { header: 'Cluster' },
    { key: 'replicas', type: 'number', title: 'Replicas', default: 3 },
    { key: 'zone', type: 'strin', title: 'Zone' },
  ],
  kubernetes_template: 'kind: ClusterConfiguration\nreplicas: {{ .replicas \n',
});

const valid = versionFixture({
  params: [{ key: 'replicas', type: 'number', title: 'Replicas', default: 3 }],
  kubernetes_template: 'replicas: {{ .replicas }}\n',
});

function renderEditor(base = broken, onSaved = vi.fn()) {
  renderWithProviders(
    <TemplateEditor
      slug="default"
      templateId={TEMPLATE_ID}
      base={base}
      readOnly={false}
      onSaved={onSaved}
    />,
  );
  return onSaved;
}

describe('template editor', () => {
  it('lists the problems of the draft by section and line, and marks the tabs', async () => {
    renderEditor();
    expect(await screen.findByText('2 problems')).toBeInTheDocument();
    const problems = screen.getByRole('region', { name: 'Template problems' });
    expect(problems).toHaveTextContent(
      'Input parameters, line 7 · [2].type: "zone": type must be one of string, number, boolean, got "strin"',
    );
    expect(problems).toHaveTextContent(
      'Kubernetes, line 3: template: kubernetes:3: unclosed action started at kubernetes:2',
    );
    const tabs = screen.getByRole('tablist', { name: 'Template sections' });
    expect(within(tabs).getByRole('tab', { name: /Input parameters/ })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('jumps to the section of a problem', async () => {
    const user = userEvent.setup({ delay: null });
    renderEditor();
    const problems = await screen.findByRole('region', { name: 'Template problems' });
    await user.click(within(problems).getByRole('button', { name: 'Show Kubernetes, line 3' }));
    const tabs = screen.getByRole('tablist', { name: 'Template sections' });
    expect(within(tabs).getByRole('tab', { name: /Kubernetes/ })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(await screen.findByText('Kubernetes template')).toBeInTheDocument();
    // Once that tab's editor is ready, the cursor is in it (on the problem's line).
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Kubernetes template' })).toHaveFocus(),
    );
  });

  it('checks the draft again as the author edits it (resource groups)', async () => {
    const user = userEvent.setup({ delay: null });
    renderEditor(valid);
    expect(await screen.findByText('No problems found')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add resource group' }));
    const tabs = screen.getByRole('tablist', { name: 'Template sections' });
    expect(within(tabs).getByRole('tab', { name: 'Resources: group-1' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const name = screen.getByRole('textbox', { name: 'Group name' });
    await user.clear(name);
    expect(await screen.findByText('A resource group needs a name')).toBeInTheDocument();
    expect(screen.getByText('1 problem')).toBeInTheDocument();
    await user.type(name, 'apps');
    expect(await screen.findByText('No problems found')).toBeInTheDocument();
    expect(within(tabs).getByRole('tab', { name: 'Resources: apps' })).toBeInTheDocument();
  });

  it('previews the form the draft params generate', async () => {
    renderEditor(valid);
    const preview = await screen.findByRole('region', { name: 'Form preview' });
    expect(within(preview).getByRole('textbox', { name: 'Replicas' })).toHaveValue('3');
  });

  it('saves a new version with a required comment and shows what the server refuses', async () => {
    let body: unknown = null;
    let refuse = true;
    server.use(
      http.post(`*/api/v1/cluster_templates/${TEMPLATE_ID}/versions`, async ({ request }) => {
        body = await request.json();
        if (refuse) {
          return HttpResponse.json(
            {
              error: {
                code: 'invalid_template',
                message: 'The template has errors',
                details: [
                  { section: 'kubernetes', line: 1, message: 'template: kubernetes:1: bad' },
                ],
              },
            },
            { status: 422 },
          );
        }
        return HttpResponse.json(
          { ...valid, number: 2, comment: 'More replicas' },
          { status: 201 },
        );
      }),
    );
    const user = userEvent.setup({ delay: null });
    const onSaved = renderEditor(valid);
    await user.click(await screen.findByRole('button', { name: 'Add resource group' }));
    await user.click(screen.getByRole('button', { name: 'Save as new version' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save as a new version' });
    await user.click(within(dialog).getByRole('button', { name: 'Save version' }));
    expect(within(dialog).getByRole('textbox', { name: 'Comment' })).toHaveAccessibleDescription(
      expect.stringContaining('Required'),
    );
    expect(body).toBeNull();

    await user.type(within(dialog).getByRole('textbox', { name: 'Comment' }), 'More replicas');
    await user.click(within(dialog).getByRole('button', { name: 'Save version' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The template has errors');
    expect(alert).toHaveTextContent('kubernetes, line 1: template: kubernetes:1: bad');
    expect(alert).toHaveTextContent('invalid_template');
    expect(body).toMatchObject({
      comment: 'More replicas',
      params: '- key: replicas\n  type: number\n  title: Replicas\n  default: 3\n',
      kubernetes_template: 'replicas: {{ .replicas }}\n',
      resources: [{ name: 'group-1', sync_mode: 'managed', template: '' }],
    });

    refuse = false;
    await user.click(within(dialog).getByRole('button', { name: 'Save version' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
  });
});
