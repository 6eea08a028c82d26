import { Group, Stack, Text, Title } from '@mantine/core';

import { type Crumb, PageBreadcrumbs } from './page-breadcrumbs.js';

export type PageHeaderProps = {
  /** The page's one `h1`. */
  title: React.ReactNode;
  /** Beside the title: a status or kind badge, a small action on the title itself. */
  badges?: React.ReactNode;
  /** Under the title, dimmed (a string), or a line of its own making. */
  subtitle?: React.ReactNode;
  /** Buttons at the right; they wrap under the title on a narrow screen. */
  actions?: React.ReactNode;
  /** Where the page sits, above the title; the last crumb is the page. */
  breadcrumbs?: Crumb[];
};

/** Every page's header: breadcrumbs, title with its badges, subtitle, and the page's actions. */
export function PageHeader({ title, badges, subtitle, actions, breadcrumbs }: PageHeaderProps) {
  return (
    <Stack gap="sm">
      {breadcrumbs && <PageBreadcrumbs items={breadcrumbs} />}
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} miw={0} style={{ flex: '1 1 auto' }}>
          {badges ? (
            <Group gap="sm" miw={0}>
              <Title order={1} style={{ overflowWrap: 'anywhere' }}>
                {title}
              </Title>
              {badges}
            </Group>
          ) : (
            <Title order={1} style={{ overflowWrap: 'anywhere' }}>
              {title}
            </Title>
          )}
          {typeof subtitle === 'string' ? <Text c="dimmed">{subtitle}</Text> : subtitle}
        </Stack>
        {actions && <Group gap="sm">{actions}</Group>}
      </Group>
    </Stack>
  );
}
