import { Tooltip, type TooltipProps } from '@mantine/core';
import {
  cloneElement,
  isValidElement,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
  type Ref,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';

type TriggerProps = {
  ref?: Ref<HTMLElement>;
  onMouseEnter?: (event: MouseEvent<HTMLElement>) => void;
  onMouseLeave?: (event: MouseEvent<HTMLElement>) => void;
  'aria-describedby'?: string;
};

export type LazyTooltipProps = Pick<
  TooltipProps,
  'openDelay' | 'closeDelay' | 'position' | 'withArrow' | 'multiline' | 'w' | 'maw'
> & {
  /** The text, or a function making it on first hover (a costly formatting). */
  label: ReactNode | (() => ReactNode);
  children: ReactElement;
};

/**
 * A hover tooltip (Mantine's Tooltip, as `<Tooltip label openDelay>` shows it) that costs
 * nothing until the pointer first enters its target. A mounted Tooltip is a floating-ui
 * instance, a portal and a transition even while closed: the cluster list's 75 (three a row)
 * were a fifth of its first render. Here the target renders alone with two mouse handlers; the
 * Tooltip mounts, positioned on the target, on the first hover, and stays mounted.
 *
 * Like Mantine's default (`events: { hover: true, focus: false }`): it opens on hover after
 * `openDelay`, closes on leave after `closeDelay` and on Escape, and while open the target is
 * described by the label (`aria-describedby`). The target must accept a ref and mouse handlers.
 * A label that costs something to make (a date in the user's format: the first
 * `Intl.DateTimeFormat` of a page takes tens of milliseconds) can be a function, called on hover.
 */
export function LazyTooltip({
  children,
  label,
  openDelay = 0,
  closeDelay = 0,
  ...props
}: LazyTooltipProps) {
  const [used, setUsed] = useState(false);
  const [opened, setOpened] = useState(false);
  const target = useRef<HTMLElement | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const id = useId();

  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (!opened) {
      return;
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        clearTimeout(timer.current);
        setOpened(false);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [opened]);

  if (!isValidElement<TriggerProps>(children)) {
    return children;
  }
  const child = children;
  const change = (open: boolean, delay: number) => {
    clearTimeout(timer.current);
    if (delay > 0) {
      timer.current = setTimeout(() => setOpened(open), delay);
    } else {
      setOpened(open);
    }
  };
  return (
    <>
      {cloneElement(child, {
        ref: target,
        onMouseEnter: (event: MouseEvent<HTMLElement>) => {
          child.props.onMouseEnter?.(event);
          setUsed(true);
          change(true, openDelay);
        },
        onMouseLeave: (event: MouseEvent<HTMLElement>) => {
          child.props.onMouseLeave?.(event);
          change(false, closeDelay);
        },
        'aria-describedby': opened ? id : child.props['aria-describedby'],
      })}
      {used && (
        <Tooltip
          {...props}
          label={<span id={id}>{typeof label === 'function' ? label() : label}</span>}
          opened={opened}
          target={target}
          closeDelay={closeDelay}
        />
      )}
    </>
  );
}
