/** The URL a local client dials for a server bound to `host` (a wildcard bind is reached on loopback). */
export function dialUrl(host: string, port: number): string {
  const dialHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${dialHost}:${port}`;
}
