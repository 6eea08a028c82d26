import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';

import { setCsrfToken } from '../../../lib/api-client.js';
import { server } from '../../../test/msw-server.js';
import { renderRoutes } from '../../../test/render.js';
import type { KubeObject } from '../kube-resources.js';
import { AdministrationView } from './administration-view.js';

const CLUSTER = '11111111-2222-4333-8444-555555555555';
const BASE = `*/api/v1/clusters/${CLUSTER}/kubernetes`;

const meta = (name: string, namespace: string | null, rv: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `uid-${name}`,
  resourceVersion: rv,
  creationTimestamp: new Date(Date.now() - 90_000).toISOString(),
});

const pod = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: meta(name, 'default', rv),
  spec: { nodeName: 'worker-0', containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
  status: {
    phase: 'Running',
    containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0 }],
  },
});

const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { ...meta('web-config', 'default', '7'), managedFields: [{ manager: 'kubectl' }] },
  data: { LOG_LEVEL: 'info' },
};

/** A watch response whose lines the test pushes. */
function watchStream() {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    response: () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
    push: (event: unknown) => controller?.enqueue(encoder.encode(`${JSON.stringify(event)}\n`)),
  };
}

type Recorded = { method: string; url: URL; body: string; csrf: string | null };

function mockCluster() {
  const requests: Recorded[] = [];
  const podWatch = watchStream();
  const record = async (request: Request) => {
    requests.push({
      method: request.method,
      url: new URL(request.url),
      body: await request.clone().text(),
      csrf: request.headers.get('x-csrf-token'),
    });
  };
  const never = () =>
    new HttpResponse(new ReadableStream(), { headers: { 'content-type': 'application/json' } });
  server.use(
    http.get(`${BASE}/api/v1/namespaces`, ({ request }) =>
      new URL(request.url).searchParams.has('watch')
        ? never()
        : HttpResponse.json({
            kind: 'NamespaceList',
            metadata: { resourceVersion: '10' },
            items: [
              { kind: 'Namespace', metadata: meta('default', null, '1') },
              { kind: 'Namespace', metadata: meta('kube-system', null, '2') },
            ],
          }),
    ),
    http.get(`${BASE}/api/v1/pods`, ({ request }) =>
      new URL(request.url).searchParams.has('watch')
        ? podWatch.response()
        : HttpResponse.json({
            kind: 'PodList',
            metadata: { resourceVersion: '10' },
            items: [pod('web-1', '5')],
          }),
    ),
    http.get(`${BASE}/api/v1/namespaces/default/configmaps`, ({ request }) =>
      new URL(request.url).searchParams.has('watch')
        ? never()
        : HttpResponse.json({
            kind: 'ConfigMapList',
            metadata: { resourceVersion: '10' },
            items: [configMap],
          }),
    ),
    http.get(`${BASE}/api/v1/configmaps`, ({ request }) =>
      new URL(request.url).searchParams.has('watch')
        ? never()
        : HttpResponse.json({
            kind: 'ConfigMapList',
            metadata: { resourceVersion: '10' },
            items: [configMap],
          }),
    ),
    http.get(`${BASE}/api/v1/namespaces/default/configmaps/web-config`, () =>
      HttpResponse.json(configMap),
    ),
    http.put(`${BASE}/api/v1/namespaces/default/configmaps/web-config`, async ({ request }) => {
      await record(request);
      const edited = JSON.parse(await request.text()) as KubeObject;
      return HttpResponse.json({
        ...edited,
        metadata: { ...edited.metadata, resourceVersion: '8' },
      });
    }),
    http.delete(`${BASE}/api/v1/namespaces/default/configmaps/web-config`, async ({ request }) => {
      await record(request);
      return HttpResponse.json(configMap);
    }),
  );
  return { requests, podWatch };
}

function renderView(canWrite: boolean, search = '') {
  return renderRoutes({
    path: `/w/default/clusters/${CLUSTER}/administration${search}`,
    routes: [
      {
        path: '/w/:slug/clusters/:clusterId/administration',
        element: <AdministrationView slug="default" clusterId={CLUSTER} canWrite={canWrite} />,
      },
    ],
  });
}

afterEach(() => setCsrfToken(null));

describe('Administration tab', () => {
  it('lists pods and follows the watch', async () => {
    const { podWatch } = mockCluster();
    renderView(true);
    const table = await screen.findByRole('table', { name: 'Pods of the cluster' });
    expect(within(table).getByText('web-1')).toBeInTheDocument();
    expect(within(table).getByText('Running')).toBeInTheDocument();
    expect(within(table).getByText('1/1')).toBeInTheDocument();
    podWatch.push({ type: 'ADDED', object: pod('web-2', '11') });
    expect(await within(table).findByText('web-2')).toBeInTheDocument();
    podWatch.push({ type: 'DELETED', object: pod('web-1', '12') });
    await waitFor(() => expect(within(table).queryByText('web-1')).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Terminal in web-2' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Logs of web-2' })).toBeInTheDocument();
  });

  it('edits a config map: server dry run, a diff, then the change with the CSRF header', async () => {
    const { requests } = mockCluster();
    setCsrfToken('csrf-1');
    const user = userEvent.setup();
    renderView(true, '?kind=configmaps&ns=default');
    await user.click(await screen.findByRole('button', { name: 'YAML of web-config' }));
    const dialog = await screen.findByRole('dialog', { name: 'ConfigMap web-config' });
    const editor = await within(dialog).findByRole('textbox', { name: 'YAML' });
    await waitFor(() => expect(editor).toHaveTextContent('LOG_LEVEL: info'));
    expect(editor).not.toHaveTextContent('managedFields');
    await user.click(editor);
    await user.keyboard('{Control>}a{/Control}');
    await user.paste(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: default\n  resourceVersion: "7"\ndata:\n  LOG_LEVEL: debug\n',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Review changes' }));
    expect(await within(dialog).findByText('After applying (server dry run)')).toBeInTheDocument();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url.searchParams.get('dryRun')).toBe('All');
    expect(JSON.parse(requests[0]?.body ?? '{}')).toMatchObject({
      data: { LOG_LEVEL: 'debug' },
      metadata: { resourceVersion: '7' },
    });

    await user.click(within(dialog).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]?.url.searchParams.has('dryRun')).toBe(false);
    expect(requests[1]?.csrf).toBe('csrf-1');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('deletes after the name is typed', async () => {
    const { requests } = mockCluster();
    const user = userEvent.setup();
    renderView(true, '?kind=configmaps');
    await user.click(await screen.findByRole('button', { name: 'Delete web-config' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete ConfigMap web-config' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox'), 'web-config');
    await user.click(confirm);
    await waitFor(() => expect(requests.map((r) => r.method)).toEqual(['DELETE']));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('a reader sees YAML read-only and no delete or terminal', async () => {
    mockCluster();
    const user = userEvent.setup();
    renderView(false, '?kind=configmaps');
    await user.click(await screen.findByRole('button', { name: 'YAML of web-config' }));
    const dialog = await screen.findByRole('dialog', { name: 'ConfigMap web-config' });
    expect(
      await within(dialog).findByText(/changing it needs the clusters:admin:write/),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: 'Review changes' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete web-config' })).not.toBeInTheDocument();
  });

  it('shows the API refusal of the list', async () => {
    server.use(
      http.get(`${BASE}/api/v1/namespaces`, () =>
        HttpResponse.json({ kind: 'NamespaceList', metadata: { resourceVersion: '1' }, items: [] }),
      ),
      http.get(`${BASE}/api/v1/pods`, () =>
        HttpResponse.json(
          { error: { code: 'cluster_unreachable', message: 'The cluster agent is not connected' } },
          { status: 502 },
        ),
      ),
    );
    renderView(true);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The cluster agent is not connected',
    );
  });
});
