export function findChrome(): string | null;
export const INSTALL_HINT: string;
export function chromeArgs(extensionDir: string, options?: { lang?: string }): string[];
export function unpackedExtensionId(dir: string): string;
export function writeStartProfile(profileDir: string, extensionId: string): Record<string, unknown>;
export function startArgs(extensionDir: string, profileDir: string, url: string): string[];
