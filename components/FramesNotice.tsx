import { browser } from 'wxt/browser';
import { t } from '../utils/ext/i18n';
import type { FrameInfo } from '../utils/messages';

/**
 * Said in the popup and the side panel when the page shows content in
 * embedded frames: Saqta cannot mark text inside them (its content script
 * runs in the page itself only), but a framed page opened on its own is an
 * ordinary page where everything works.
 */
export function FramesNotice({ frames }: { frames: FrameInfo[] | undefined }) {
  if (!frames?.length) return null;
  const openable = frames.filter((f): f is FrameInfo & { src: string } => f.src !== null);
  return (
    <div class="frames-notice" role="note" data-testid="frames-notice">
      <p>{t('framesNotice', String(frames.length))}</p>
      {openable.length > 0 && <p>{t('framesOpenIntro')}</p>}
      {openable.length > 0 && (
        <ul>
          {openable.map((f) => (
            <li>
              <button type="button" title={f.src} onClick={() => void browser.tabs.create({ url: f.src })}>
                {t('framesOpen', f.title ?? shortUrl(f.src))}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 28 ? `${u.pathname.slice(0, 27)}…` : u.pathname;
    return u.host + (path === '/' ? '' : path);
  } catch {
    return url;
  }
}
