import { encode } from 'uqr';

/**
 * A fingerprint as a QR code a colleague's phone can read and compare (the
 * `uqr` library encodes; drawn here as SVG squares: no HTML string, no canvas).
 * Black on white in both themes, with the quiet zone scanners need.
 */
export function FingerprintQr({ text, label }: { text: string; label: string }) {
  const qr = encode(text, { ecc: 'M', border: 2 });
  const cells: string[] = [];
  qr.data.forEach((row, y) => row.forEach((on, x) => on && cells.push(`M${x} ${y}h1v1h-1z`)));
  return (
    <svg class="qr" role="img" aria-label={label} viewBox={`0 0 ${qr.size} ${qr.size}`} width={qr.size * 4} height={qr.size * 4} shape-rendering="crispEdges" data-testid="team-own-qr">
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={cells.join('')} fill="#000" />
    </svg>
  );
}
