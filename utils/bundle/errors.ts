/**
 * Why a bundle was refused. Every check has its own code and a message that
 * names the file and says what is wrong, so a reader (or an archivist
 * running `npm run verify`) knows what happened without reading code.
 */
export type BundleErrorCode =
  | 'not-zip' | 'empty' | 'truncated' | 'zip64' | 'multi-disk' | 'too-large' | 'too-many-entries'
  | 'bad-name' | 'unsafe-path' | 'absolute-path' | 'duplicate-entry' | 'directory-entry' | 'encrypted'
  | 'unsupported-method' | 'declared-bomb' | 'ratio-bomb' | 'real-bomb' | 'size-mismatch' | 'crc-mismatch'
  | 'overlapping-entries' | 'bad-local-header' | 'corrupt-data'
  | 'no-manifest' | 'manifest-json' | 'manifest-format' | 'manifest-version' | 'manifest-shape'
  | 'manifest-path' | 'manifest-duplicate' | 'missing-file' | 'extra-file' | 'wrong-size' | 'bad-hash-format' | 'wrong-hash'
  | 'annotations-json' | 'annotations-shape' | 'annotation-invalid' | 'annotation-duplicate' | 'annotation-unknown-page'
  | 'page-invalid' | 'capture-invalid' | 'too-long' | 'not-jsonld';

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
    /** The file inside the bundle the problem is in, when there is one. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}
