/**
 * Browser glue: the reader's-language text for an error from the background.
 * The background's messages are English; the codes every view must explain
 * (a full disk, a failed write) get a translated text here.
 */
import type { ErrorInfo } from '../messages';
import { t } from './i18n';

export function errorText(error: ErrorInfo): string {
  if (error.code === 'quota-exceeded') return t('errorQuota');
  if (error.code === 'storage-failed') return t('errorStorage');
  if (error.code === 'interrupted') return t('errorInterrupted');
  if (error.code === 'locked') return t('lockErrorLocked');
  return error.message;
}
