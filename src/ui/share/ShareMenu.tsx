/**
 * Import and export: scenario and trace JSON, the cluster view and the space-time diagram as SVG and
 * PNG, recent scenarios.
 */
import { useEffect, useId, useRef } from 'react';
import { session } from '../controller.ts';
import { appStore, withNotice } from '../store.ts';
import { spaceTimeSvgText } from '../debug-views/SpaceTime.tsx';
import { clusterSvgText, download, downloadText, svgToPng } from './download.ts';
import { scenarioJson, traceJson } from './import-export.ts';
import { exportCaption, withCaption } from './caption.ts';
import { loadLinkHash, pushHash } from '../history.ts';
import { clearRecentScenarios, importFile, shareStore, useShare } from './share-store.ts';

function fileStem(): string {
  const { scenario, cursor } = appStore().getState();
  return `vsr-${(scenario.name || 'scenario').replace(/[^a-z0-9-]+/gi, '-').slice(0, 40)}-seed${scenario.seed}-t${Math.floor(cursor.time)}`;
}

function fail(text: string): void {
  appStore().setState((state) => withNotice(state, 'error', text));
}

interface Picture {
  /** Names the file and the error: `cluster`, `diagram`. */
  readonly name: string;
  readonly what: string;
  readonly svg: () => string | null;
}

const pictures: Record<'cluster' | 'diagram', Picture> = {
  cluster: { name: 'cluster', what: 'The cluster view', svg: clusterSvgText },
  diagram: { name: 'space-time', what: 'The space-time diagram', svg: spaceTimeSvgText },
};

/** The picture's SVG with its caption (scenario name, seed, moment) under it. */
function captionedSvg(picture: Picture): string | null {
  const svg = picture.svg();
  if (svg === null) return null;
  const { scenario, cursor } = appStore().getState();
  return withCaption(svg, exportCaption(scenario.name, scenario.seed, cursor.time, cursor.event));
}

function exportSvg(picture: Picture): void {
  const svg = captionedSvg(picture);
  if (svg === null) return fail(`${picture.what} is not on screen.`);
  downloadText(`${fileStem()}-${picture.name}.svg`, svg, 'image/svg+xml');
}

/** The width and height an exported SVG document declares. */
function svgSize(svg: string): { width: number; height: number } | null {
  const root = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  const width = Number(root.getAttribute('width'));
  const height = Number(root.getAttribute('height'));
  return width > 0 && height > 0 ? { width, height } : null;
}

function exportPng(picture: Picture): void {
  const svg = captionedSvg(picture);
  const size = svg === null ? null : svgSize(svg);
  if (svg === null || size === null) return fail(`${picture.what} is not on screen.`);
  svgToPng(svg, size.width, size.height).then(
    (blob) => download(`${fileStem()}-${picture.name}.png`, blob),
    (error: unknown) => fail(`PNG export failed: ${(error as Error).message}`),
  );
}

export function ShareMenu() {
  const inputId = useId();
  const recent = useShare((s) => s.recent);
  const menu = useRef<HTMLDetailsElement>(null);
  const close = () => {
    if (menu.current !== null) menu.current.open = false;
  };
  // Like any menu: Escape closes it (focus back on its button), and so does a click outside it.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const details = menu.current;
      if (event.key !== 'Escape' || details === null || !details.open) return;
      // The page's other Escape handlers (dialogs) are not this menu's business: only close it.
      event.stopPropagation();
      details.open = false;
      details.querySelector('summary')?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      const details = menu.current;
      if (details === null || !details.open) return;
      if (event.target instanceof Node && details.contains(event.target)) return;
      details.open = false;
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, []);
  return (
    <details className="share-menu" ref={menu}>
      <summary title="Export the scenario, the trace or a picture; import a scenario or a trace.">
        Import / Export
      </summary>
      <div className="share-menu-body" role="group" aria-label="Import and export">
        <button
          type="button"
          onClick={() => downloadText(`${fileStem()}.json`, scenarioJson(appStore().getState().scenario))}
          title="The scenario as JSON: seed, settings and every action (what `sim run` reads)."
        >
          Export scenario JSON
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText(`${fileStem()}-trace.json`, traceJson(session().run, appStore().getState().scenario))
          }
          title="Every event of the run so far, with its scenario, as JSON."
        >
          Export trace JSON
        </button>
        <button
          type="button"
          onClick={() => exportSvg(pictures.cluster)}
          title="The cluster view as SVG, with a caption naming the scenario, the seed and the moment."
        >
          Export cluster SVG
        </button>
        <button
          type="button"
          onClick={() => exportPng(pictures.cluster)}
          title="The cluster view as PNG, with a caption naming the scenario, the seed and the moment."
        >
          Export cluster PNG
        </button>
        <button
          type="button"
          onClick={() => exportSvg(pictures.diagram)}
          title="The space-time diagram as SVG, with a caption naming the scenario, the seed and the moment."
        >
          Export diagram SVG
        </button>
        <button
          type="button"
          onClick={() => exportPng(pictures.diagram)}
          title="The space-time diagram as PNG, with a caption naming the scenario, the seed and the moment."
        >
          Export diagram PNG
        </button>
        <label htmlFor={inputId}>Import scenario or trace JSON</label>
        <input
          id={inputId}
          title="Open a scenario or a trace JSON file (or drop one anywhere on the page)."
          type="file"
          accept=".json,application/json"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file !== undefined) {
              close();
              void importFile(file);
            }
          }}
        />
        <p className="share-hint">Or drop a JSON file anywhere on the page.</p>
        <h2 className="share-heading">Recent scenarios</h2>
        {recent.length === 0 ? (
          <p className="share-hint">None yet.</p>
        ) : (
          <ol className="recent-list">
            {recent.map((entry) => (
              <li key={entry.hash}>
                <button
                  type="button"
                  className="ghost"
                  onClick={() => {
                    close();
                    pushHash(entry.hash);
                    loadLinkHash(session(), appStore(), entry.hash);
                  }}
                >
                  {entry.name}
                </button>
              </li>
            ))}
          </ol>
        )}
        <button
          type="button"
          className="ghost"
          onClick={clearRecentScenarios}
          disabled={recent.length === 0}
          title="Forget the scenarios listed here (they are kept in this browser only)."
        >
          Clear recent scenarios
        </button>
      </div>
    </details>
  );
}

export function ImportProblem() {
  const problem = useShare((s) => s.importProblem);
  if (problem === null) return null;
  return (
    <aside className="link-problem" role="alert" aria-label="Import problem">
      <span>{`Import failed: ${problem}. Nothing was loaded.`}</span>
      <button
        type="button"
        className="ghost"
        onClick={() => shareStore.setState({ importProblem: null })}
        aria-label="Dismiss import problem"
      >
        ✕
      </button>
    </aside>
  );
}
