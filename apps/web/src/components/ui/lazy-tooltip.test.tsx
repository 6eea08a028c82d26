import { Anchor, MantineProvider } from '@mantine/core';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { theme } from '../../app/theme.js';
import { LazyTooltip } from './lazy-tooltip.js';

// env="test": no transitions, and no hiding of a target jsdom gives no size.
function renderTooltip(openDelay?: number) {
  return render(
    <MantineProvider theme={theme} env="test">
      <LazyTooltip label="cluster-with-a-long-name" openDelay={openDelay}>
        <Anchor href="#c">cluster-with-a…</Anchor>
      </LazyTooltip>
    </MantineProvider>,
  );
}

describe('LazyTooltip', () => {
  it('mounts nothing of the tooltip before the first hover', () => {
    renderTooltip();
    expect(screen.queryByRole('tooltip')).toBeNull();
    expect(screen.getByRole('link')).not.toHaveAttribute('aria-describedby');
    // No portal node: the Tooltip is not mounted at all.
    expect(document.body.querySelector('[data-portal]')).toBeNull();
  });

  it('opens on hover after its delay, describes its target, and closes on leave and on Escape', async () => {
    const user = userEvent.setup();
    renderTooltip(50);
    const link = screen.getByRole('link', { name: 'cluster-with-a…' });

    await user.hover(link);
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent('cluster-with-a-long-name');
    expect(link).toHaveAccessibleDescription('cluster-with-a-long-name');

    await user.unhover(link);
    await waitFor(() => expect(screen.queryByRole('tooltip')).toBeNull());
    expect(link).not.toHaveAttribute('aria-describedby');

    // Mounted now: a second hover opens it again; Escape closes it.
    await user.hover(link);
    await screen.findByRole('tooltip');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('tooltip')).toBeNull());
  });
});
