import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { pdfSettingsItem } from '../../utils/ext/pdf-open';
import type { PdfSettings as Settings } from '../../utils/pdf/settings';

/** PDFs (docs/pdf.md): open them in Saqta's viewer, or leave them to the browser's. */
export function PdfSettings() {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    const item = pdfSettingsItem();
    void item.getValue().then(setSettings);
    return item.watch((s) => setSettings(s));
  }, []);
  if (!settings) return null;
  return (
    <section aria-labelledby="pdf-settings">
      <h2 id="pdf-settings">{t('pdfSettingsHeading')}</h2>
      <label>
        <input
          type="checkbox"
          data-testid="pdf-auto-open"
          checked={settings.autoOpen}
          onChange={(e) => {
            const next = { ...settings, autoOpen: (e.target as HTMLInputElement).checked };
            setSettings(next);
            void pdfSettingsItem().setValue(next);
          }}
        />{' '}
        {t('pdfSettingAutoOpen')}
      </label>
      <p class="muted">{t('pdfSettingAutoOpenHint')}</p>
    </section>
  );
}
