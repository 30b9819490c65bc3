import { render } from 'preact';
import '../../components/base.css';
import { localizeDocument } from '../../utils/ext/i18n';
import { getDb } from '../../utils/db';
import { dropSearchIndex } from '../../utils/search/memory';
import { App } from './App';
import { followLock } from '../../utils/ext/lock-follow';
import { UnlockForm } from '../../components/lock/UnlockForm';
import { t } from '../../utils/ext/i18n';

// Open the database now, while the page localizes and renders: the list's first query runs in an
// effect after the first paint and would otherwise only then start opening IndexedDB. A failure
// surfaces in that query, as before.
void getDb().open().catch(() => undefined);
localizeDocument();
// The lock (docs/lock.md): the keyring follows storage; while locked the unlock form shows instead of the library.
void followLock((state) => {
  // Locked: the in-memory search index (plain terms) is forgotten with the key (docs/search.md).
  if (state === 'locked') dropSearchIndex(getDb());
  render(
    state === 'locked' ? (
      <main class="lock-locked-page">
        <h1>{t('extName')}</h1>
        <UnlockForm intro={t('lockLockedLibrary')} />
      </main>
    ) : (
      <App />
    ),
    document.getElementById('app')!,
  );
});
