// npm run echo-server -- --port P [--host 127.0.0.1]: echoes every message with its type.

import { utf8Decode } from "../firmware/websocket/core/utf8.js";
import { OPCODE_TEXT, WebSocketServer } from "../firmware/websocket/server.js";
import { flag } from "./args.js";
import { ECHO_SETTINGS } from "./echo-settings.js";
import { nodeNetwork } from "./network-node.js";
import type { NodeListener } from "./node-tcp.js";
import { nodePlatform } from "./platform-node.js";

const args = process.argv.slice(2);
const server = new WebSocketServer({
  port: Number(flag(args, "port", "9001")), address: flag(args, "host", "127.0.0.1"),
  network: nodeNetwork, platform: nodePlatform, maxClients: 64, ...ECHO_SETTINGS,
  onConnection(client) {
    client.handler = {
      onMessage(type, data, length) {
        client.send(type === OPCODE_TEXT ? utf8Decode(data, 0, length) : data.slice(0, length));
      },
    };
  },
});
await (server.listener as NodeListener).ready();
console.log(`echo server listening on ws://${flag(args, "host", "127.0.0.1")}:${server.port}`);
process.on("SIGINT", () => { server.close(); process.exit(0); });
process.on("SIGTERM", () => { server.close(); process.exit(0); });
