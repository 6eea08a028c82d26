import { Badge, Button, Group, Modal, Select, Skeleton, Stack } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { execUrl } from '../exec-protocol.js';
import { containersOf, type KubeObject } from '../kube-resources.js';
import type { TerminalState } from './pod-terminal-impl.js';

// xterm.js is only needed once someone opens a terminal.
const LazyTerminal = lazy(() =>
  import('./pod-terminal-impl.js').then((m) => ({ default: m.PodTerminalImpl })),
);

export type PodTerminalModalProps = {
  clusterId: string;
  pod: KubeObject;
  onClose: () => void;
};

/** A shell (`sh`) in a pod's container, in a web terminal, through Commander's proxy. */
export function PodTerminalModal({ clusterId, pod, onClose }: PodTerminalModalProps) {
  const { t } = useTranslation();
  const containers = containersOf(pod);
  const [container, setContainer] = useState(containers[0] ?? '');
  const [session, setSession] = useState(0);
  const [state, setState] = useState<TerminalState>({ kind: 'connecting' });
  const name = pod.metadata.name;
  const url = execUrl(
    window.location,
    clusterId,
    pod.metadata.namespace ?? 'default',
    name,
    container,
    ['sh'],
  );
  const status =
    state.kind === 'connecting'
      ? t('administration.terminal.connecting')
      : state.kind === 'connected'
        ? t('administration.terminal.connected')
        : state.kind === 'exited'
          ? t('administration.terminal.exited', { code: state.code })
          : state.kind === 'failed'
            ? t('administration.terminal.failed', { message: state.message })
            : t('administration.terminal.closed');
  const over = state.kind !== 'connecting' && state.kind !== 'connected';

  return (
    <Modal opened onClose={onClose} title={t('administration.terminal.title', { name })} size="90%">
      <Stack>
        <Group justify="space-between">
          {containers.length > 1 ? (
            <Select
              label={t('administration.terminal.container')}
              data={containers}
              value={container}
              onChange={(value) => value && setContainer(value)}
              allowDeselect={false}
            />
          ) : (
            <span />
          )}
          <Group>
            <Badge
              role="status"
              variant="light"
              color={state.kind === 'connected' ? 'teal' : over ? 'gray' : 'blue'}
            >
              {status}
            </Badge>
            {over && (
              <Button size="xs" variant="default" onClick={() => setSession((n) => n + 1)}>
                {t('administration.terminal.reconnect')}
              </Button>
            )}
          </Group>
        </Group>
        <Suspense fallback={<Skeleton height="60vh" />}>
          <LazyTerminal
            key={`${container}:${session}`}
            url={url}
            label={t('administration.terminal.terminal', { name })}
            onState={setState}
          />
        </Suspense>
      </Stack>
    </Modal>
  );
}
