/**
 * One open gRPC client per node, reused for every call: a new client per call costs a TCP and
 * TLS handshake each time (134 per training epoch at 100k before this was shared). A client is
 * replaced when the node's registered address changes, and dropped when the node stops
 * answering, so a restarted node is dialled afresh.
 */
export class NodeChannels<C extends { close(): void }> {
  readonly #open = new Map<string, { address: string; client: C }>();

  constructor(private readonly connect: (address: string, site: string) => C) {}

  get(site: string, address: string): C {
    const open = this.#open.get(site);
    if (open?.address === address) return open.client;
    open?.client.close();
    const client = this.connect(address, site);
    this.#open.set(site, { address, client });
    return client;
  }

  drop(site: string): void {
    this.#open.get(site)?.client.close();
    this.#open.delete(site);
  }

  close(): void {
    for (const site of [...this.#open.keys()]) this.drop(site);
  }
}
