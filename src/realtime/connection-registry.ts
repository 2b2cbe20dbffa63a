import type { ClientConnection } from './client-connection.js';

/** The open connections of this node, and how many come from each client address. */
export class ConnectionRegistry implements Iterable<ClientConnection> {
  private readonly connections = new Set<ClientConnection>();
  private readonly perIp = new Map<string, number>();
  private onEmpty: Array<() => void> = [];

  add(connection: ClientConnection): void {
    this.connections.add(connection);
    this.perIp.set(connection.ip, this.from(connection.ip) + 1);
  }

  remove(connection: ClientConnection): void {
    if (!this.connections.delete(connection)) return;
    const remaining = this.from(connection.ip) - 1;
    if (remaining > 0) this.perIp.set(connection.ip, remaining);
    else this.perIp.delete(connection.ip);
    if (this.connections.size === 0) for (const resolve of this.onEmpty.splice(0)) resolve();
  }

  /** Resolves once no connection is left (at once when none is). */
  emptied(): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.onEmpty.push(resolve));
  }

  from(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  get size(): number {
    return this.connections.size;
  }

  /** Notifications waiting in every outbound queue. */
  get queuedNotifications(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.queuedNotifications;
    return total;
  }

  [Symbol.iterator](): Iterator<ClientConnection> {
    return this.connections[Symbol.iterator]();
  }
}
