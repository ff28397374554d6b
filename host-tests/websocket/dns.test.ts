import assert from "node:assert/strict";
import type { Network, ResolverConstructor } from "../../firmware/websocket/io.js";
import { nodeNetwork } from "../../host/network-node.js";
import { NodeResolver } from "../../host/node-tcp.js";
import { closeWs, ourClient, until, wsEchoServer } from "../support/net.js";

/**
 * The device's path: names go through network.dns before a socket is made with an address. Only
 * "localhost" is looked up for real (from /etc/hosts); any other name fails here, as with no answer,
 * so no query leaves this machine.
 */
function resolving(log: string[]): Network {
  class LoggingResolver extends NodeResolver {
    override resolve(options: Parameters<NodeResolver["resolve"]>[0]): void {
      log.push(`resolve ${options.host}`);
      if (options.host === "localhost") super.resolve(options);
      else setImmediate(() => options.onError(options.host));
    }
  }
  return { ...nodeNetwork, dns: { io: LoggingResolver as unknown as ResolverConstructor } };
}

describe("Client name resolution through the network's resolver", function () {
  this.timeout(10_000);

  it("resolves a host name, then connects to the address", async function () {
    const { server, port } = await wsEchoServer();
    const log: string[] = [];
    const { client } = ourClient(`ws://localhost:${port}/`, { network: resolving(log) });
    await until(() => client.state === "open");
    assert.deepEqual(log, ["resolve localhost"]);
    client.close();
    await closeWs(server);
  });

  it("skips the resolver for an IP address", async function () {
    const { server, port } = await wsEchoServer();
    const log: string[] = [];
    const { client } = ourClient(`ws://127.0.0.1:${port}/`, { network: resolving(log) });
    await until(() => client.state === "open");
    assert.deepEqual(log, []);
    client.close();
    await closeWs(server);
  });

  it("reports a name that does not resolve, then retries by its policy", async function () {
    const log: string[] = [];
    let reconnects = 0;
    const { client, rec } = ourClient("ws://no-such-host.invalid/", {
      network: resolving(log), reconnect: { initialDelay: 20, maxDelay: 20 }, onReconnect: () => reconnects++,
    });
    await until(() => reconnects >= 2, 5000);
    client.close();
    assert.ok(rec.events.includes("error WS_ERR_DNS 0"), rec.events.join("; "));
    assert.ok(log.length >= 2);
  });
});
