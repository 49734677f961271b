import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * Thrown once the connection is gone, so no handler answers. Each emulator's error handler rethrows it:
 * over a socket the client sees the reset, and in-process `app.request()` rejects as fetch would.
 */
export class ConnectionDropped extends Error {
  constructor(reason: string) {
    super(`Connection dropped by the sandbox: ${reason}`);
    this.name = 'ConnectionDropped';
  }
}

/** The node socket behind the request, when served by @hono/node-server (absent for `app.request()`). */
function socketOf(c: Context) {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket;
}

/** True when the client's connection is already closed. */
export function connectionClosed(c: Context): boolean {
  return socketOf(c)?.destroyed ?? false;
}

/** Resets the TCP connection (the client sees ECONNRESET) and stops the request here. */
export function dropConnection(c: Context, reason: string): never {
  const socket = socketOf(c);
  // A real RST rather than a FIN, as a middlebox that gives up would send.
  if (socket && !socket.destroyed) socket.resetAndDestroy();
  throw new ConnectionDropped(reason);
}
