import { Code, Group, Modal, ScrollArea, Select, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ui/error-alert.js';
import { containersOf, type KubeObject } from '../kube-resources.js';
import { streamPodLog } from '../kubernetes.api.js';

/** Lines kept on screen (older ones are dropped). */
const MAX_LINES = 2000;

export type PodLogsModalProps = {
  slug: string;
  clusterId: string;
  pod: KubeObject;
  onClose: () => void;
};

/** A pod container's log, the last 200 lines and then the new ones as they come. */
export function PodLogsModal({ slug, clusterId, pod, onClose }: PodLogsModalProps) {
  const { t } = useTranslation();
  const containers = containersOf(pod);
  const [container, setContainer] = useState(containers[0] ?? '');
  const [lines, setLines] = useState<string[]>([]);
  const [state, setState] = useState<'streaming' | 'ended' | Error>('streaming');
  const viewport = useRef<HTMLDivElement>(null);
  const name = pod.metadata.name;
  const namespace = pod.metadata.namespace ?? 'default';

  useEffect(() => {
    const controller = new AbortController();
    setLines([]);
    setState('streaming');
    let partial = '';
    streamPodLog(slug, clusterId, namespace, name, container, controller.signal, (chunk) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      if (parts.length > 0) {
        setLines((previous) => [...previous, ...parts].slice(-MAX_LINES));
      }
    }).then(
      () => {
        if (!controller.signal.aborted) {
          setState('ended');
        }
      },
      (error: unknown) => {
        if (!controller.signal.aborted) {
          setState(error instanceof Error ? error : new Error(String(error)));
        }
      },
    );
    return () => controller.abort();
  }, [slug, clusterId, namespace, name, container]);

  useEffect(() => {
    const element = viewport.current;
    if (element) {
      element.scrollTop = element.scrollHeight;
    }
  }, [lines]);

  return (
    <Modal opened onClose={onClose} title={t('administration.logs.title', { name })} size="xl">
      <Stack>
        {containers.length > 1 && (
          <Group>
            <Select
              label={t('administration.logs.container')}
              data={containers}
              value={container}
              onChange={(value) => value && setContainer(value)}
              allowDeselect={false}
            />
          </Group>
        )}
        {state instanceof Error && <ErrorAlert error={state} />}
        <ScrollArea h="60vh" viewportRef={viewport}>
          <Code
            block
            role="log"
            aria-label={t('administration.logs.log', { name })}
            aria-live="polite"
            style={{ whiteSpace: 'pre-wrap', minHeight: '100%' }}
          >
            {lines.join('\n')}
          </Code>
        </ScrollArea>
        <Text size="xs" c="dimmed">
          {state === 'ended'
            ? t('administration.logs.ended')
            : lines.length === 0
              ? t('administration.logs.waiting')
              : null}
        </Text>
      </Stack>
    </Modal>
  );
}
