import { render } from 'preact';
import '../../components/base.css';
import { localizeDocument } from '../../utils/ext/i18n';
import { App } from './App';

localizeDocument();
render(<App />, document.getElementById('app')!);
