import { t, uiLang } from '../utils/ext/i18n';
import { formatBytes as format } from '../utils/format-bytes';

/** A byte size in the interface language's units and number format ("1,5 МБ" in Kazakh). */
export function formatBytes(n: number | null | undefined, digits = 1): string {
  return format(n, uiLang(), [t('unitB'), t('unitKB'), t('unitMB'), t('unitGB'), t('unitTB')], digits);
}
