// npm run echo-client -- --url ws://127.0.0.1:P --agent NAME: the Autobahn test suite's client
// convention. Reads the case count from /getCaseCount, runs /runCase?case=N&agent=NAME for each case
// (echoing every message until the server closes), then asks for /updateReports?agent=NAME.
// With WS_URL set: connects there, echoes until closed, and exits.

import { OPCODE_TEXT, WebSocketClient } from "../firmware/websocket/client.js";
import { utf8Decode } from "../firmware/websocket/core/utf8.js";
import { flag } from "./args.js";
import { ECHO_SETTINGS } from "./echo-settings.js";
import { nodeNetwork } from "./network-node.js";
import { nodePlatform } from "./platform-node.js";

/** Connects, echoes until the server closes, resolves with the text messages it received. */
export function echoUntilClosed(url: string): Promise<string[]> {
  return new Promise((resolve) => {
    const texts: string[] = [];
    const client: WebSocketClient = new WebSocketClient({
      url, network: nodeNetwork, platform: nodePlatform, reconnect: false, connectTimeout: 10000, ...ECHO_SETTINGS,
      onMessage(type, data, length) {
        if (type === OPCODE_TEXT) {
          const text = utf8Decode(data, 0, length);
          texts.push(text);
          client.send(text);
        } else client.send(data.slice(0, length));
      },
      onClose: () => resolve(texts),
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const single = process.env.WS_URL;
  if (single) {
    await echoUntilClosed(single);
    return;
  }
  const base = (flag(args, "url", "ws://127.0.0.1:9001") as string).replace(/\/$/, "");
  const agent = encodeURIComponent(flag(args, "agent", "websocket-mcu") as string);
  const count = Number((await echoUntilClosed(`${base}/getCaseCount`))[0]);
  if (!Number.isInteger(count) || count < 0) throw new Error("no case count from /getCaseCount");
  for (let i = 1; i <= count; i++) {
    await echoUntilClosed(`${base}/runCase?case=${i}&agent=${agent}`);
    if (i % 50 === 0 || i === count) console.log(`ran case ${i} of ${count}`);
  }
  await echoUntilClosed(`${base}/updateReports?agent=${agent}`);
  console.log(`reports updated for ${decodeURIComponent(agent)}`);
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
