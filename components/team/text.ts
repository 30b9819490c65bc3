import { t } from '../../utils/ext/i18n';

const KEYS: Record<string, string> = {
  'bad-url': 'teamErr_badUrl',
  offline: 'teamErr_offline',
  tls: 'teamErr_tls',
  auth: 'teamErr_auth',
  forbidden: 'teamErr_forbidden',
  'not-found': 'teamErr_notFound',
  'not-dav': 'teamErr_notDav',
  'not-folder': 'teamErr_notFolder',
  full: 'teamErr_full',
  conflict: 'teamErr_conflict',
  exists: 'teamErr_exists',
  permission: 'teamErr_permission',
};

/** What went wrong with the team folder, in the reader's language. */
export function teamFailureText(kind: string, status: number | null, message = ''): string {
  if (KEYS[kind]) return t(KEYS[kind]);
  if (kind === 'server') return t('teamErr_server', String(status ?? '?'));
  return t('teamErr_internal', message || kind);
}

/** Why a colleague's part was refused (utils/team/records.ts RefusalKind), in the reader's language. */
export function refusedText(kind: string): string {
  return t(`teamRefused_${kind.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())}`);
}
