// Types for the two libraries only the profile scanner uses (tests/e2e/profile-scan.ts); neither ships its own.
declare module 'snappyjs' {
  /** Decompress a raw Snappy block; throws past `maxLength` bytes or on bad input. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}

declare module 'sql.js' {
  type SqlValue = number | string | Uint8Array | null;
  interface QueryExecResult {
    columns: string[];
    values: SqlValue[][];
  }
  interface Database {
    exec(sql: string): QueryExecResult[];
    run(sql: string, params?: SqlValue[]): Database;
    export(): Uint8Array;
    close(): void;
  }
  interface SqlJsStatic {
    Database: new (data?: ArrayLike<number> | Buffer | null) => Database;
  }
  export default function initSqlJs(config?: object): Promise<SqlJsStatic>;
}
