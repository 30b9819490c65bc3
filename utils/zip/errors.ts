/**
 * Why a bundle was refused. Every check has its own code and a message that
 * names the file and says what is wrong, so a reader (or an archivist
 * running `npm run verify`) knows what happened without reading code.
 *
 * The texts live in locales/bundle.json (`bundleErr_<key>`, en/kk/ru, with
 * `$1`… for the parameters): a refusal carries its key and parameters, the
 * library page shows it in the reader's language (`t(error.messageKey,
 * error.args)`), and `message` is the English text (tests, the Node verify
 * command).
 */
import bundleStrings from '../../locales/bundle.json';
import zipStrings from '../../locales/zip.json';
import truthStrings from '../../locales/archive-truth.json';

const strings = { ...bundleStrings, ...zipStrings, ...truthStrings };

export type BundleErrorCode =
  | 'not-zip' | 'empty' | 'truncated' | 'zip64' | 'multi-disk' | 'too-large' | 'too-many-entries'
  | 'bad-name' | 'unsafe-path' | 'absolute-path' | 'duplicate-entry' | 'directory-entry' | 'encrypted'
  | 'unsupported-method' | 'declared-bomb' | 'ratio-bomb' | 'real-bomb' | 'size-mismatch' | 'crc-mismatch'
  | 'overlapping-entries' | 'bad-local-header' | 'corrupt-data'
  | 'no-manifest' | 'manifest-json' | 'manifest-format' | 'manifest-version' | 'manifest-shape'
  | 'manifest-path' | 'manifest-duplicate' | 'missing-file' | 'extra-file' | 'wrong-size' | 'bad-hash-format' | 'wrong-hash'
  | 'annotations-json' | 'annotations-shape' | 'annotation-invalid' | 'annotation-duplicate' | 'annotation-unknown-page'
  | 'page-invalid' | 'capture-invalid' | 'too-long' | 'not-jsonld'
  | 'ambiguous-archive' | 'special-file' | 'name-clash' | 'too-many-articles'
  /** A WACZ check (utils/wacz/read.ts); the detail is in English. */
  | 'wacz-invalid';

type Strings = typeof bundleStrings & typeof zipStrings & typeof truthStrings;
/** The refusal texts: `bundleErr_<RefusalKey>` in locales/bundle.json. */
export type RefusalKey = { [K in keyof Strings]: K extends `bundleErr_${infer R}` ? R : never }[keyof Strings];
type Lang = 'en' | 'kk' | 'ru';

/** Fill `$1`…`$9` (and `$$` → `$`) the way browser.i18n.getMessage does. */
export function fillMessage(template: string, args: readonly string[]): string {
  return template.replace(/\$(\$|[1-9])/g, (m, d: string) => (d === '$' ? '$' : (args[Number(d) - 1] ?? m)));
}

/** A refusal text in one of Saqta's languages (the extension pages use browser.i18n instead). */
export function refusalText(key: RefusalKey, args: readonly string[], lang: Lang = 'en'): string {
  return fillMessage((strings as Record<string, Record<Lang, string>>)[`bundleErr_${key}`]![lang], args);
}

export class BundleError extends Error {
  /** Parameters of the text, in order ($1, $2, …): file names, sizes, fields. */
  readonly args: string[];
  /** A WACZ refusal's own code and parameters (utils/wacz/reasons.ts), said in the reader's language. */
  reason?: { code: string; args: string[]; inner?: BundleError['reason'] };
  constructor(
    readonly code: BundleErrorCode,
    readonly key: RefusalKey,
    args: readonly (string | number)[] = [],
    /** The file inside the bundle the problem is in, when there is one. */
    readonly file?: string,
    /** The text is about something inside `file` and reads "file: text" (annotations inside annotations.jsonld). */
    readonly prefixed = false,
  ) {
    const a = args.map(String);
    super((prefixed && file ? `${file}: ` : '') + refusalText(key, a));
    this.args = a;
    this.name = 'BundleError';
  }

  /** The browser.i18n message name of the text. */
  get messageKey(): string {
    return `bundleErr_${this.key}`;
  }

  /** The same refusal, said to be inside `file`. */
  inFile(file: string): BundleError {
    return new BundleError(this.code, this.key, this.args, file, true);
  }
}

/** Quote a name from the archive the way every message shows it. */
export const q = (name: string): string => JSON.stringify(name);

/**
 * The headline shown above a refusal's detail: the family of its real reason
 * (a long note is "too long", not a zip bomb). `zipHead_*` / `libRefuse*` in
 * locales (en/kk/ru).
 */
export function headlineKey(code: BundleErrorCode): string {
  switch (code) {
    case 'not-zip': case 'empty': case 'truncated': case 'multi-disk': case 'no-manifest': case 'not-jsonld':
      return 'libRefuseNotBundle';
    case 'zip64':
      return 'zipHead_zip64';
    case 'declared-bomb': case 'ratio-bomb': case 'real-bomb': case 'overlapping-entries':
      return 'zipHead_bomb';
    case 'too-large': case 'too-many-entries': case 'too-many-articles':
      return 'zipHead_tooLarge';
    case 'too-long':
      return 'zipHead_tooLong';
    case 'ambiguous-archive': case 'bad-local-header':
      return 'zipHead_ambiguous';
    case 'special-file':
      return 'zipHead_special';
    case 'name-clash': case 'duplicate-entry':
      return 'zipHead_names';
    case 'bad-name': case 'unsafe-path': case 'absolute-path': case 'directory-entry': case 'encrypted': case 'unsupported-method':
      return 'libRefuseUnsafe';
    case 'missing-file': case 'extra-file': case 'wrong-size': case 'wrong-hash': case 'bad-hash-format': case 'crc-mismatch': case 'size-mismatch': case 'corrupt-data':
      return 'libRefuseChanged';
    case 'manifest-format': case 'manifest-version':
      return 'libRefuseVersion';
    default:
      return 'libRefuseRecords';
  }
}
