import type { OperationLogLine } from '@commander/contracts';
import {
  Badge,
  Box,
  Button,
  Group,
  Highlight,
  Paper,
  Skeleton,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconRefresh, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { operationStatusWord } from '../operation-words.js';
import { type LogEnd, operationQueries } from '../operations.api.js';

/** Where the live log stands. */
export type LogStreamState =
  'connecting' | 'waiting' | 'streaming' | 'reconnecting' | 'ended' | 'error';

export type OperationLogProps = {
  slug: string;
  clusterId: string;
  operationId: string;
  /** The operation waits in the managers' queue: its log says "Waiting", not "Live". */
  queued?: boolean;
  /** Its place in the queue (1: next), when known. */
  queuePosition?: number | null;
};

/** The operation's log, streamed live from the API into the query cache. */
export function OperationLog({
  slug,
  clusterId,
  operationId,
  queued = false,
  queuePosition = null,
}: OperationLogProps) {
  const log = useQuery(operationQueries.log(slug, clusterId, operationId));
  let state: LogStreamState;
  if (log.data === undefined) {
    state = log.isError ? 'error' : 'connecting';
  } else if (log.data.end !== null) {
    state = 'ended';
  } else if (log.isError) {
    state = 'error';
  } else {
    state = log.fetchStatus === 'fetching' ? (queued ? 'waiting' : 'streaming') : 'reconnecting';
  }
  return (
    <OperationLogView
      lines={log.data?.lines ?? []}
      state={state}
      end={log.data?.end ?? null}
      queuePosition={queuePosition}
      onReconnect={() => void log.refetch()}
    />
  );
}

export type OperationLogViewProps = {
  lines: OperationLogLine[];
  state: LogStreamState;
  end: LogEnd | null;
  /** While waiting in the queue: its place (1: next), when known. */
  queuePosition?: number | null;
  onReconnect: () => void;
};

const ROW_HEIGHT = 20;
/** Within this many pixels of the bottom counts as "at the bottom" (following). */
const BOTTOM_SLACK = 24;

export function OperationLogView({
  lines,
  state,
  end,
  queuePosition = null,
  onReconnect,
}: OperationLogViewProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [isFollowing, setFollowing] = useState(true);
  const [pausedAtCount, setPausedAtCount] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  const needle = search.trim().toLowerCase();
  const shown = useMemo(
    () => (needle ? lines.filter((l) => l.line.toLowerCase().includes(needle)) : lines),
    [lines, needle],
  );

  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
  });

  useEffect(() => {
    if (isFollowing && shown.length > 0) {
      virtualizer.scrollToIndex(shown.length - 1, { align: 'end' });
    }
  }, [isFollowing, shown.length, virtualizer]);

  const pause = () => {
    setFollowing(false);
    setPausedAtCount(lines.length);
  };
  const resume = () => setFollowing(true);
  // Scrolling up to read pauses auto-scroll; the button (or scrolling back down) resumes it.
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) {
      return;
    }
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (isFollowing && !atBottom) {
      pause();
    } else if (!isFollowing && atBottom && el.scrollTop > 0) {
      resume();
    }
  };
  const newLines = isFollowing ? 0 : Math.max(0, lines.length - pausedAtCount);

  return (
    <Paper withBorder p="md" component="section" aria-label={t('log.section')}>
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <Group gap="sm">
            <Text fw={500}>{t('log.title')}</Text>
            <LogStateBadge state={state} end={end} queuePosition={queuePosition} />
          </Group>
          <Group gap="xs">
            <TextInput
              type="search"
              size="xs"
              aria-label={t('log.search')}
              placeholder={t('log.searchPlaceholder')}
              leftSection={<IconSearch size={14} aria-hidden />}
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
              w={220}
            />
            {isFollowing ? (
              <Button
                size="xs"
                variant="default"
                leftSection={<IconPlayerPause size={14} aria-hidden />}
                onClick={pause}
              >
                {t('log.pause')}
              </Button>
            ) : (
              <Button
                size="xs"
                variant="light"
                leftSection={<IconPlayerPlay size={14} aria-hidden />}
                onClick={resume}
              >
                {t('log.resume')}
              </Button>
            )}
            {(state === 'error' || state === 'reconnecting') && (
              <Button
                size="xs"
                variant="default"
                leftSection={<IconRefresh size={14} aria-hidden />}
                onClick={onReconnect}
              >
                {t('log.reconnect')}
              </Button>
            )}
          </Group>
        </Group>
        <Group justify="space-between" gap="xs">
          <Text size="xs" c="dimmed" role="status">
            {needle
              ? t('log.matches', { count: shown.length, total: lines.length })
              : t('log.lineCount', { count: lines.length })}
          </Text>
          {newLines > 0 && (
            <Text size="xs" c="blue" role="status">
              {t('log.newLines', { count: newLines })}
            </Text>
          )}
        </Group>
        {state === 'connecting' ? (
          <Stack gap={6} aria-busy="true" aria-label={t('common.loading')}>
            {[80, 65, 90, 50].map((w) => (
              <Skeleton key={w} height={12} width={`${w}%`} />
            ))}
          </Stack>
        ) : (
          <Box
            ref={scrollRef}
            onScroll={onScroll}
            role="log"
            aria-label={t('log.label')}
            aria-live="off"
            tabIndex={0}
            h={420}
            style={{
              overflow: 'auto',
              fontFamily: 'var(--mantine-font-family-monospace)',
              fontSize: 12,
              lineHeight: `${ROW_HEIGHT}px`,
              background: 'var(--mantine-color-default-hover)',
              borderRadius: 'var(--mantine-radius-sm)',
            }}
          >
            {shown.length === 0 ? (
              <Text size="sm" c="dimmed" p="sm">
                {needle
                  ? t('log.noMatches')
                  : state === 'ended'
                    ? t('log.empty')
                    : t('log.waiting')}
              </Text>
            ) : (
              <div
                style={{
                  height: virtualizer.getTotalSize(),
                  position: 'relative',
                  minWidth: '100%',
                  width: 'max-content',
                }}
              >
                {virtualizer.getVirtualItems().map((item) => {
                  const line = shown[item.index];
                  if (!line) {
                    return null;
                  }
                  return (
                    <div
                      key={line.seq}
                      style={{
                        position: 'absolute',
                        top: 0,
                        left: 0,
                        height: ROW_HEIGHT,
                        transform: `translateY(${item.start}px)`,
                        whiteSpace: 'pre',
                        paddingInline: 8,
                      }}
                    >
                      <span
                        style={{
                          opacity: 0.5,
                          userSelect: 'none',
                          display: 'inline-block',
                          minWidth: '5ch',
                          textAlign: 'right',
                          marginRight: 12,
                        }}
                      >
                        {line.seq}
                      </span>
                      {needle ? (
                        <Highlight component="span" highlight={search.trim()} inherit>
                          {line.line}
                        </Highlight>
                      ) : (
                        line.line
                      )}
                    </div>
                  );
                })}
              </div>
            )}
          </Box>
        )}
      </Stack>
    </Paper>
  );
}

function LogStateBadge({
  state,
  end,
  queuePosition,
}: {
  state: LogStreamState;
  end: LogEnd | null;
  queuePosition: number | null;
}) {
  const { t } = useTranslation();
  switch (state) {
    case 'waiting':
      return (
        <Badge variant="dot" color="gray" tt="none">
          {queuePosition === null
            ? t('queueWords.waiting')
            : t('queueWords.waitingAt', { position: queuePosition })}
        </Badge>
      );
    case 'connecting':
      return (
        <Badge variant="dot" color="gray" tt="none">
          {t('log.state.connecting')}
        </Badge>
      );
    case 'streaming':
      return (
        <Badge variant="dot" color="teal" tt="none">
          {t('log.state.live')}
        </Badge>
      );
    case 'reconnecting':
      return (
        <Badge variant="dot" color="yellow" tt="none">
          {t('log.state.reconnecting')}
        </Badge>
      );
    case 'error':
      return (
        <Badge variant="dot" color="red" tt="none">
          {t('log.state.error')}
        </Badge>
      );
    case 'ended':
      return (
        <Badge
          variant="dot"
          color={end?.status === 'succeeded' ? 'teal' : end?.status === 'failed' ? 'red' : 'gray'}
          tt="none"
        >
          {t('log.state.ended', { status: operationStatusWord(end?.status ?? 'unknown', t) })}
        </Badge>
      );
  }
}
