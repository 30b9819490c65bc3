import { render } from 'preact';
import '../../components/base.css';
import { localizeDocument } from '../../utils/ext/i18n';
import { getDb } from '../../utils/db';
import { App } from './App';

// Open the database now, while the page localizes and renders: the list's first query runs in an
// effect after the first paint and would otherwise only then start opening IndexedDB. A failure
// surfaces in that query, as before.
void getDb().open().catch(() => undefined);
localizeDocument();
render(<App />, document.getElementById('app')!);
