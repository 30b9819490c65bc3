/** pako 1.0.11's zlib port (CommonJS, untyped): what utils/wacz/gzip.ts uses of it. */
declare module 'pako/lib/zlib/zstream.js' {
  class ZStream {
    input: Uint8Array | null;
    next_in: number;
    avail_in: number;
    total_in: number;
    output: Uint8Array | null;
    next_out: number;
    avail_out: number;
    total_out: number;
    msg: string;
  }
  export default ZStream;
}
declare module 'pako/lib/zlib/deflate.js' {
  import type ZStream from 'pako/lib/zlib/zstream.js';
  const deflate: {
    deflateInit2(strm: ZStream, level: number, method: number, windowBits: number, memLevel: number, strategy: number): number;
    deflateReset(strm: ZStream): number;
    deflate(strm: ZStream, flush: number): number;
    deflateEnd(strm: ZStream): number;
  };
  export default deflate;
}
