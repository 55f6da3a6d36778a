/** Transport icons as inline SVG (no icon font, no network). Decorative: buttons carry the names. */
const paths = {
  play: 'M4 2 L13 8 L4 14 Z',
  pause: 'M3 2 H6.5 V14 H3 Z M9.5 2 H13 V14 H9.5 Z',
  stepForward: 'M3 2 L10 8 L3 14 Z M11 2 H13.5 V14 H11 Z',
  stepBack: 'M13 2 L6 8 L13 14 Z M2.5 2 H5 V14 H2.5 Z',
  // An arrow to a diamond (a notable event, as marked on the diagram): not the start / end icons.
  next: 'M1 3 L7 8 L1 13 Z M11.5 3.5 L16 8 L11.5 12.5 L7 8 Z',
  previous: 'M15 3 L9 8 L15 13 Z M4.5 3.5 L9 8 L4.5 12.5 L0 8 Z',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name }: { readonly name: IconName }) {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="currentColor" />
    </svg>
  );
}
