import type { AuditEvent } from '@commander/contracts';
import { Anchor, Button, Code, EmptyState, Group, Table, Text, Tooltip } from '@mantine/core';
import {
  type Icon,
  IconChevronDown,
  IconChevronRight,
  IconHistory,
  IconKey,
  IconRobot,
  IconSettingsAutomation,
  IconUser,
} from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatDateTime, formatRelative } from '../../../lib/format.js';
import { auditActionWord, auditTypeWord } from '../audit-words.js';

const ACTOR_ICON: Record<string, Icon> = {
  User: IconUser,
  AuthToken: IconKey,
  Agent: IconRobot,
  System: IconSettingsAutomation,
};

/** Where an audited object lives in the UI, when it has a page. */
export function auditObjectHref(event: AuditEvent): string | null {
  const slug = event.workspace_slug;
  if (slug === null) {
    return null;
  }
  switch (event.auditable_type) {
    case 'Cluster':
    case 'ClusterSettings':
      return `/w/${slug}/clusters/${event.auditable_id}`;
    case 'ClusterTemplate':
      return `/w/${slug}/templates/${event.auditable_id}`;
    default:
      return null;
  }
}

/** A UUID's first block ("3f2a9c1e…"): an object without a name, still told apart. */
function shortId(id: string): string {
  return /^[0-9a-f]{8}-/i.test(id) ? `${id.slice(0, 8)}…` : id;
}

function hasChanges(changes: unknown): boolean {
  if (changes === null || changes === undefined) {
    return false;
  }
  return typeof changes !== 'object' || Object.keys(changes).length > 0;
}

export type AuditTableProps = {
  events: AuditEvent[];
  /** Whether filters are set (for the empty state's words). */
  hasFilters: boolean;
};

/**
 * Audit events: when, who (user or API token), action, what (linked when it has a page),
 * changes (expandable JSON), address and request id.
 */
export function AuditTable({ events, hasFilters }: AuditTableProps) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  if (events.length === 0) {
    return (
      <EmptyState
        icon={<IconHistory size={32} aria-hidden />}
        title={hasFilters ? t('audit.emptyFilteredTitle') : t('audit.emptyTitle')}
        description={hasFilters ? t('audit.emptyFilteredDescription') : t('audit.emptyDescription')}
      />
    );
  }
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      return next;
    });
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table verticalSpacing="xs" aria-label={t('audit.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('audit.columns.time')}</Table.Th>
            <Table.Th scope="col">{t('audit.columns.who')}</Table.Th>
            <Table.Th scope="col">{t('audit.columns.action')}</Table.Th>
            <Table.Th scope="col">{t('audit.columns.what')}</Table.Th>
            <Table.Th scope="col">{t('audit.columns.changes')}</Table.Th>
            <Table.Th scope="col">{t('audit.columns.address')}</Table.Th>
            <Table.Th scope="col">{t('audit.columns.requestId')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => {
            const ActorIcon = ACTOR_ICON[event.user_type] ?? IconUser;
            const href = auditObjectHref(event);
            const expanded = open.has(event.id);
            const changesId = `audit-changes-${event.id}`;
            const type = auditTypeWord(event.auditable_type, t);
            const name = event.auditable_name ?? null;
            const what = `${type} ${name ?? event.auditable_id}`;
            return (
              <Fragment key={event.id}>
                <Table.Tr>
                  <Table.Td>
                    <Tooltip label={formatRelative(event.ts, i18n.language)}>
                      <Text
                        size="sm"
                        component="time"
                        dateTime={event.ts}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {formatDateTime(event.ts, i18n.language)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <ActorIcon size={16} aria-hidden />
                      <div>
                        <Text size="sm">{event.user_name}</Text>
                        <Text size="xs" c="dimmed">
                          {t(
                            `audit.actor.${event.user_type === 'AuthToken' ? 'token' : event.user_type === 'User' ? 'user' : event.user_type === 'Agent' ? 'agent' : 'system'}`,
                          )}
                        </Text>
                      </div>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label={event.action} openDelay={400}>
                      <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
                        {auditActionWord(event.action, t)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {type}
                    </Text>
                    <Tooltip label={event.auditable_id} openDelay={400}>
                      {href ? (
                        <Anchor
                          component={Link}
                          to={href}
                          size="sm"
                          ff={name ? undefined : 'monospace'}
                          aria-label={what}
                        >
                          {name ?? shortId(event.auditable_id)}
                        </Anchor>
                      ) : (
                        <Text
                          size="sm"
                          ff={name ? undefined : 'monospace'}
                          c={name ? undefined : 'dimmed'}
                        >
                          {name ?? shortId(event.auditable_id)}
                        </Text>
                      )}
                    </Tooltip>
                    {event.workspace_slug && (
                      <Text size="xs" c="dimmed">
                        {t('audit.inWorkspace', { workspace: event.workspace_slug })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {hasChanges(event.audited_changes) ? (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        leftSection={
                          expanded ? (
                            <IconChevronDown size={12} aria-hidden />
                          ) : (
                            <IconChevronRight size={12} aria-hidden />
                          )
                        }
                        aria-expanded={expanded}
                        aria-controls={changesId}
                        onClick={() => toggle(event.id)}
                      >
                        {expanded ? t('audit.hideChanges') : t('audit.showChanges')}
                      </Button>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {event.remote_address ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label={event.request_id ?? ''} disabled={event.request_id === null}>
                      <Text size="xs" ff="monospace" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {event.request_id ? event.request_id.slice(0, 8) : '—'}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr id={changesId}>
                    <Table.Td colSpan={7}>
                      <Code block aria-label={t('audit.changesLabel', { what })}>
                        {JSON.stringify(event.audited_changes, null, 2)}
                      </Code>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
