/**
 * Browser glue: every user-facing string goes through `t()`, backed by
 * public/_locales/{en,kk,ru}/messages.json.
 */
import { browser } from 'wxt/browser';

type GetMessage = (key: string, substitutions?: string | string[]) => string;

export function t(key: string, substitutions?: string | string[]): string {
  return (browser.i18n.getMessage as GetMessage)(key, substitutions) || key;
}

/** The language of the translation the browser chose among ours ("en", "kk", "ru"). */
export function uiLang(): string {
  const l = t('localeCode');
  return l === 'localeCode' ? 'en' : l;
}

/** Set <html lang dir> of an extension page to the UI language. */
export function localizeDocument(doc: Document = document): void {
  doc.documentElement.lang = uiLang();
  doc.documentElement.dir = t('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
  doc.title = t(doc.documentElement.dataset.titleKey ?? 'extName');
}
