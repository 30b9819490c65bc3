/**
 * The honest team E2E (two profiles, kk and en, faults) on the second WebDAV
 * server, nginx with its DAV and dav-ext modules (issue 23): the very same
 * tests as team.e2e.ts, which reads the server kind set here.
 */
(globalThis as { SAQTA_DAV?: string }).SAQTA_DAV = 'nginx';
await import('./team.e2e');
export {};
