export interface LoggedRequest {
  method: string | undefined;
  path: string;
  time: number;
}
export interface FixtureServer {
  origin: string;
  log: LoggedRequest[];
  override(
    path: string,
    spec: ({ file: string } | { status: number; body?: string } | { drop: true } | {}) & { headers?: Record<string, string>; delay?: number | Promise<unknown> } | null,
  ): void;
  close(): Promise<void>;
}
export function startServer(mounts: Record<string, string>, options?: { port?: number }): Promise<FixtureServer>;
