import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A view whose code is fetched the first time it is shown (a dynamic
 * import), so the library's first screen does not wait for it. Renders
 * nothing for the moment the chunk takes to load from the extension.
 */
export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): (props: P) => JSX.Element | null {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [View, setView] = useState<ComponentType<P> | null>(() => loaded);
    useEffect(() => {
      if (View) return;
      let live = true;
      loading ??= load().then((v) => (loaded = v));
      void loading.then((v) => live && setView(() => v));
      return () => {
        live = false;
      };
    }, []);
    return View ? <View {...props} /> : null;
  };
}
