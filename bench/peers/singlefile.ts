/**
 * SingleFile's core (single-file-core, AGPL-3.0) as a benchmark peer: bundled
 * into bench/tmp only and evaluated in the benchmark page; never part of the
 * extension. Options follow SingleFile's defaults, except deferred images
 * (its scroll-and-wait pass) which is off, so both tools save the page as it is.
 */
// @ts-expect-error single-file-core ships no types
import { getPageData } from 'single-file-core/single-file.js';

export async function save() {
  const t0 = performance.now();
  const data = await getPageData({
    url: location.href,
    removeHiddenElements: true,
    removeUnusedStyles: true,
    removeUnusedFonts: true,
    removeFrames: false,
    compressHTML: true,
    loadDeferredImages: false,
    blockScripts: true,
    blockVideos: true,
    blockAudios: true,
    removeAlternativeFonts: true,
    removeAlternativeMedias: true,
    removeAlternativeImages: true,
    groupDuplicateImages: true,
    insertMetaCSP: true,
    insertSingleFileComment: true,
  });
  const ms = performance.now() - t0;
  return { ms, bytes: new Blob([data.content]).size };
}
