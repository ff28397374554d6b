// A TCP proxy on 127.0.0.1 between a client and its server that breaks the link on request: resets
// it in the middle of a frame, goes silent without closing (half-open), refuses connections, or
// answers the next handshakes itself with an HTTP error and a body. It counts connection attempts.

import net from "node:net";

export type Fault =
  | { kind: "reset-mid-frame" }
  | { kind: "silence" }
  | { kind: "answer"; status: number; body: string };

interface Link { client: net.Socket; server: net.Socket | null; silent: boolean; upgraded: boolean }

export class FaultProxy {
  /** Connections accepted, and those answered with an HTTP error. */
  attempts = 0;
  answered = 0;
  /** Links cut in the middle of a frame. */
  resets = 0;
  readonly #target: number;
  readonly #links = new Set<Link>();
  #listener: net.Server | null = null;
  #port = 0;
  #answers: { status: number; body: string }[] = [];
  #resetNext = false;

  constructor(targetPort: number) {
    this.#target = targetPort;
  }

  get port(): number { return this.#port; }
  get openLinks(): number { return this.#links.size; }

  /** Listens (again) on the same port; does nothing while listening. */
  async listen(): Promise<void> {
    if (this.#listener !== null) return;
    const listener = net.createServer((socket) => this.#accept(socket));
    this.#listener = listener;
    await new Promise<void>((r) => listener.listen(this.#port, "127.0.0.1", r));
    this.#port = (listener.address() as net.AddressInfo).port;
  }

  /** Stops listening, so that connections are refused; links already open go on. */
  refuse(): void {
    // close() stops accepting at once; its callback waits for open links, which we do not
    this.#listener?.close();
    this.#listener = null;
  }

  inject(fault: Fault): void {
    if (fault.kind === "answer") this.#answers.push({ status: fault.status, body: fault.body });
    else if (fault.kind === "reset-mid-frame") this.#resetNext = true;
    else for (const link of this.#links) if (link.upgraded) link.silent = true;
  }

  /** Closes every open link at once, as a server restart does. */
  dropAll(): void {
    for (const link of this.#links) { link.client.destroy(); link.server?.destroy(); }
    this.#links.clear();
  }

  close(): void {
    this.dropAll();
    this.refuse();
  }

  #accept(client: net.Socket): void {
    this.attempts++;
    client.on("error", () => undefined);
    const answer = this.#answers.shift();
    if (answer !== undefined) {
      this.answered++;
      client.once("data", () => client.end(`HTTP/1.1 ${answer.status} Refused\r\nContent-Length: ${answer.body.length}\r\n`
        + `Content-Type: text/plain\r\nConnection: close\r\n\r\n${answer.body}`));
      return;
    }
    const link: Link = { client, server: net.connect(this.#target, "127.0.0.1"), silent: false, upgraded: false };
    const server = link.server!;
    this.#links.add(link);
    const drop = () => { client.destroy(); server.destroy(); this.#links.delete(link); };
    server.on("error", drop);
    client.on("close", drop);
    server.on("close", drop);
    server.on("data", (d) => {
      if (!link.upgraded && d.toString("latin1", 0, 12) === "HTTP/1.1 101") link.upgraded = true;
      if (!link.silent) client.write(d);
    });
    client.on("data", (d) => {
      if (link.silent) return;
      if (link.upgraded && this.#resetNext && d.length >= 4) {
        // half of this write reaches the server, then both sides get a reset: the frame is cut
        this.#resetNext = false;
        this.resets++;
        server.write(d.subarray(0, d.length >> 1), () => { server.resetAndDestroy(); client.resetAndDestroy(); this.#links.delete(link); });
        return;
      }
      server.write(d);
    });
  }
}
