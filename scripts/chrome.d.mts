export function findChrome(): string | null;
export const INSTALL_HINT: string;
export function chromeArgs(extensionDir: string, options?: { lang?: string }): string[];
