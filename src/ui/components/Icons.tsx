/** Transport icons as inline SVG (no icon font, no network). Decorative: buttons carry the names. */
const paths = {
  play: 'M4 2 L13 8 L4 14 Z',
  pause: 'M3 2 H6.5 V14 H3 Z M9.5 2 H13 V14 H9.5 Z',
  stepForward: 'M3 2 L10 8 L3 14 Z M11 2 H13.5 V14 H11 Z',
  stepBack: 'M13 2 L6 8 L13 14 Z M2.5 2 H5 V14 H2.5 Z',
  next: 'M1.5 2 L7.5 8 L1.5 14 Z M7.5 2 L13.5 8 L7.5 14 Z M13 2 H15 V14 H13 Z',
  previous: 'M14.5 2 L8.5 8 L14.5 14 Z M8.5 2 L2.5 8 L8.5 14 Z M1 2 H3 V14 H1 Z',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name }: { readonly name: IconName }) {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="currentColor" />
    </svg>
  );
}
