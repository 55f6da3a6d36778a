/**
 * Mounted once by the App: wires browser history (back/forward between loaded scenarios and tours),
 * opens a tour link on the first load, records recent scenarios, accepts dropped files, and reports
 * a corrupted local store with a notice, and keeps the address bar's link equal to the screen.
 */
import { useEffect } from 'react';
import type { Scenario } from '../../sim/scenario-types.ts';
import { session } from '../controller.ts';
import { decodeLink, encodeLink } from '../link.ts';
import { appStore, withNotice } from '../store.ts';
import { closeTour, openTourHash, reloadProgress } from '../tours/tour-store.ts';
import { loadLinkHash, recordLoaded, replaceHash } from '../history.ts';
import { recordRecent } from './recent.ts';
import { installUrlSync } from './url-sync.ts';
import { importFile, reloadRecent, shareStore } from './share-store.ts';
import { onCorrupt } from '../storage.ts';
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import './share.css';

let installed = false;

function loaded(scenario: Scenario): void {
  recordLoaded(scenario);
  shareStore.setState({ recent: recordRecent(scenario) });
}

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

export function ShareRoot() {
  useEffect(() => {
    onCorrupt((key) =>
      appStore().setState((state) =>
        withNotice(state, 'warning', `Saved data (${key}) was corrupted and has been discarded.`),
      ),
    );
    reloadProgress();
    reloadRecent();
    const s = session();
    s.onNewRun = loaded;
    if (!installed) {
      installed = true;
      const hash = window.location.hash;
      if (!openTourHash(hash)) {
        const link = decodeLink(hash);
        if (link?.ok === true) shareStore.setState({ recent: recordRecent(link.payload.scenario) });
        // The page fell back to the default scenario (and shows why): the bad link must not stay
        // in the address bar, where a reload or Share would repeat it.
        if (link?.ok === false) replaceHash(encodeLink(appStore().getState().scenario, 0));
      }
    }
    const onPop = () => {
      const hash = window.location.hash;
      if (openTourHash(hash)) return;
      closeTour();
      loadLinkHash(session(), appStore(), hash);
    };
    const root = document.documentElement;
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      root.classList.add('drop-target');
    };
    const onDragLeave = () => root.classList.remove('drop-target');
    const onDrop = (event: DragEvent) => {
      root.classList.remove('drop-target');
      const file = event.dataTransfer?.files[0];
      if (file === undefined) return;
      event.preventDefault();
      void importFile(file);
    };
    const stopUrlSync = installUrlSync(appStore());
    window.addEventListener('popstate', onPop);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('popstate', onPop);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
      stopUrlSync();
      s.onNewRun = null;
      onCorrupt(null);
    };
  }, []);
  return null;
}
