// Connect, echo and close, over and over, on the in-memory network: the same run on Node and under
// XS, where the heap is measured between rounds to show that nothing grows per connection.

import { WebSocketClient } from "../../firmware/websocket/client.js";
import { sha1 } from "../../firmware/websocket/core/sha1.js";
import { WebSocketServer } from "../../firmware/websocket/server.js";
import { seededRandom } from "../support/hex.js";
import { memoryNetwork } from "../support/memory-network.js";

export interface CycleResult {
  opened: number; echoed: number; closedClean: number; reconnects: number;
  /** Sockets open at once at the most (the network holds 4, as lwIP), and left open at the end. */
  mostOpen: number; openAtEnd: number;
}

/**
 * `cycles` clients that each connect, exchange a message and close cleanly, one after the other; then
 * one client whose server drops it `drops` times, reconnecting each time. `checkpoint` runs after
 * each tenth of the cycles (rounds 1 to 10) and of the reconnects (rounds 11 to 20); under XS it
 * measures the heap.
 */
export function runCycles(cycles: number, drops: number, checkpoint: (round: number) => void): CycleResult {
  const network = memoryNetwork(5744, 4);
  const platform = { sha1, random32: seededRandom(99) };
  const result: CycleResult = { opened: 0, echoed: 0, closedClean: 0, reconnects: 0, mostOpen: 0, openAtEnd: 0 };
  let dropNext = false;
  const server = new WebSocketServer({
    port: 80, network, platform, maxMessage: 256, inputSize: 512, outputSize: 512,
    onConnection(client) {
      if (dropNext) network.timers.set(() => client.close(1012, "restarting"), 5);
      client.handler = { onMessage(type, data, length) { client.send(data.slice(0, length)); } };
    },
  });
  const message = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  for (let i = 0; i < cycles; i++) {
    const client: WebSocketClient = new WebSocketClient({
      url: "ws://127.0.0.1:80/cycle", network, platform, reconnect: false, maxMessage: 256, inputSize: 512, outputSize: 512,
      onOpen() { result.opened++; client.send(message); },
      onMessage() { result.echoed++; client.close(1000, "bye"); },
      onClose(code, _reason, clean) { if (code === 1000 && clean) result.closedClean++; },
    });
    network.run(10_000);
    if ((i + 1) % Math.max(1, Math.floor(cycles / 10)) === 0) checkpoint((i + 1) / Math.max(1, Math.floor(cycles / 10)));
  }
  dropNext = true;
  const client = new WebSocketClient({
    url: "ws://127.0.0.1:80/drops", network, platform, maxMessage: 256, inputSize: 512, outputSize: 512,
    reconnect: { initialDelay: 10, maxDelay: 10 }, onReconnect: () => result.reconnects++,
  });
  const step = Math.max(1, Math.floor(drops / 10));
  for (let guard = 0, round = 11; result.reconnects < drops && guard < drops * 100; guard++) {
    network.run(1);
    if (result.reconnects >= (round - 10) * step && round <= 20) checkpoint(round++);
  }
  client.close();
  network.run(10_000);
  server.close();
  network.run(10_000);
  result.mostOpen = network.mostOpen;
  result.openAtEnd = network.openSockets + network.openListeners;
  return result;
}
