/** The PDF setting (Settings page): open PDFs in Saqta's viewer. Pure declaration; storage in utils/ext/pdf-open.ts. */
export interface PdfSettings {
  /** Open http(s) PDFs in Saqta's viewer automatically. */
  autoOpen: boolean;
}

export const DEFAULT_PDF_SETTINGS: PdfSettings = { autoOpen: true };
export const PDF_SETTINGS_KEY = 'local:pdf' as const;
