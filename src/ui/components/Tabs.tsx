/**
 * WAI-ARIA tabs: a tablist of buttons (one in the tab order, arrows, Home and End move between them
 * and open the tab they reach) and one tabpanel per tab. A panel is rendered from the first time it
 * is opened and then kept (hidden) so that work in it, a fuzz campaign or a shrink, survives a
 * switch; a panel never opened costs nothing.
 */
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';

const TabVisible = createContext(true);

/**
 * Whether the tab panel around a component is the open one (true outside tabs). A view that
 * computes much per frame skips that work while hidden.
 */
export function useTabVisible(): boolean {
  return useContext(TabVisible);
}

export interface TabSpec<T extends string> {
  readonly id: T;
  readonly label: string;
  readonly title: string;
  readonly render: () => ReactNode;
  /** Marks the tab as asking for attention (a violation). */
  readonly alert?: boolean;
  /** A count or state shown after the label. */
  readonly badge?: string;
}

export function Tabs<T extends string>({
  name,
  label,
  tabs,
  selected,
  onSelect,
  className,
}: {
  /** Prefix of the ids of tabs and panels. */
  readonly name: string;
  readonly label: string;
  readonly tabs: readonly TabSpec<T>[];
  readonly selected: T;
  readonly onSelect: (id: T) => void;
  readonly className?: string;
}) {
  const [opened, setOpened] = useState<ReadonlySet<T>>(() => new Set([selected]));
  if (!opened.has(selected)) setOpened(new Set([...opened, selected]));
  const list = useRef<HTMLDivElement>(null);
  // Keep the open tab in sight in a bar that scrolls sideways (a phone), without moving the page.
  useEffect(() => {
    const bar = list.current;
    const tab = bar?.querySelector<HTMLElement>(`#${name}-tab-${selected}`);
    if (bar === null || tab === null || tab === undefined) return;
    if (tab.offsetLeft < bar.scrollLeft) bar.scrollLeft = tab.offsetLeft;
    else if (tab.offsetLeft + tab.offsetWidth > bar.scrollLeft + bar.clientWidth)
      bar.scrollLeft = tab.offsetLeft + tab.offsetWidth - bar.clientWidth;
  }, [name, selected]);
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = tabs.findIndex((t) => t.id === selected);
    let next: number;
    switch (event.key) {
      case 'ArrowRight':
        next = (index + 1) % tabs.length;
        break;
      case 'ArrowLeft':
        next = (index - 1 + tabs.length) % tabs.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = tabs.length - 1;
        break;
      default:
        return;
    }
    // Arrows here move between tabs; they must not also step the run.
    event.preventDefault();
    event.stopPropagation();
    onSelect(tabs[next].id);
    list.current?.querySelector<HTMLButtonElement>(`#${name}-tab-${tabs[next].id}`)?.focus();
  };
  return (
    <div className={`tabs ${className ?? ''}`}>
      <div className="tab-list" role="tablist" aria-label={label} ref={list}>
        {tabs.map((tab) => {
          const active = tab.id === selected;
          return (
            <button
              key={tab.id}
              type="button"
              role="tab"
              id={`${name}-tab-${tab.id}`}
              aria-selected={active}
              aria-controls={`${name}-panel-${tab.id}`}
              tabIndex={active ? 0 : -1}
              className={`tab${tab.alert === true ? ' alert' : ''}`}
              title={tab.title}
              onClick={() => onSelect(tab.id)}
              onKeyDown={onKeyDown}
            >
              {tab.label}
              {tab.badge !== undefined ? (
                <span className="tab-badge" aria-hidden="true">
                  {tab.badge}
                </span>
              ) : null}
            </button>
          );
        })}
      </div>
      {tabs.map((tab) =>
        opened.has(tab.id) ? (
          <div
            key={tab.id}
            role="tabpanel"
            id={`${name}-panel-${tab.id}`}
            aria-labelledby={`${name}-tab-${tab.id}`}
            className={`tab-panel tab-panel-${tab.id}`}
            hidden={tab.id !== selected}
            tabIndex={0}
          >
            <TabVisible.Provider value={tab.id === selected}>{tab.render()}</TabVisible.Provider>
          </div>
        ) : null,
      )}
    </div>
  );
}
