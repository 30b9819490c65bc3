/** How an import runs: cancel, progress, the DOM that cleans saved HTML, a worker for the check. */
export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?(phase: 'check' | 'write', done: number, total: number): void;
  /** The window whose DOM sanitizes saved HTML (default: the page's; Node callers pass jsdom's). */
  window?: Window & typeof globalThis;
  /** Check the archive in a worker (the library page): a function that starts one. */
  worker?: () => Worker;
}
