import { t } from '../../utils/ext/i18n';

/**
 * What the passphrase lock and the quick wipe protect, and what they do not
 * (issue 28): a short, honest page, linked from Settings (lock and wipe).
 */
const YES = ['protectYesLibrary', 'protectYesClaims', 'protectYesWatch', 'protectYesTeam', 'protectYesKey'];
const NO = ['protectNoHistory', 'protectNoCache', 'protectNoFiles', 'protectNoOs', 'protectNoKeylogger', 'protectNoUnlocked', 'protectNoColleagues'];

export function App() {
  return (
    <main style={{ maxWidth: '720px', margin: '0 auto', padding: '16px' }}>
      <h1>{t('protectTitle')}</h1>
      <p>{t('protectIntro')}</p>
      <section aria-labelledby="protect-yes">
        <h2 id="protect-yes">{t('protectYesHeading')}</h2>
        <ul data-testid="protect-yes">
          {YES.map((k) => (
            <li key={k}>{t(k)}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="protect-no">
        <h2 id="protect-no">{t('protectNoHeading')}</h2>
        <ul data-testid="protect-no">
          {NO.map((k) => (
            <li key={k}>{t(k)}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="protect-wipe">
        <h2 id="protect-wipe">{t('protectWipeHeading')}</h2>
        <p>{t('protectWipeText')}</p>
      </section>
    </main>
  );
}
