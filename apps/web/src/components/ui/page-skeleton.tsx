import { Skeleton, Stack, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Placeholder rows of a table while it loads (no spinner that moves the layout). */
export function TableSkeleton({ rows = 5, columns = 5 }: { rows?: number; columns?: number }) {
  const { t } = useTranslation();
  return (
    <Table aria-busy="true" aria-label={t('common.loading')}>
      <Table.Tbody>
        {Array.from({ length: rows }, (_, r) => (
          <Table.Tr key={r}>
            {Array.from({ length: columns }, (_, c) => (
              <Table.Td key={c}>
                <Skeleton height={14} radius="sm" width={c === 0 ? '70%' : '50%'} />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Placeholder of a page body while it loads. */
export function PageSkeleton() {
  const { t } = useTranslation();
  return (
    <Stack gap="md" aria-busy="true" aria-label={t('common.loading')}>
      <Skeleton height={28} width="40%" />
      <Skeleton height={16} width="60%" />
      <Skeleton height={180} />
    </Stack>
  );
}
