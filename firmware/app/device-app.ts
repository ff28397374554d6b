// The device app's logic, free of device-only modules: samples the sensors into the ring, streams
// batches to the server while it is connected, applies its acknowledgements, and answers its
// commands. main.js wires it to the board; the host runs the same class as simulated devices.

import { ClientStates, OPCODE_TEXT, WebSocketClient } from "../websocket/client.js";
import { utf8Decode } from "../websocket/core/utf8.js";
import type { Network } from "../websocket/io.js";
import type { Platform } from "../websocket/platform.js";
import { CommandError, CommandProcessor, numberArg } from "./commands.js";
import { SampleRing } from "./sample-ring.js";
import type { SensorSet } from "./sensors.js";
import { batchSize } from "./stream-format.js";

export interface DeviceSettings {
  /** ws:// or wss:// URL of the companion server's device endpoint. */
  url: string;
  deviceId: string;
  token: string;
  periodMs: number;
  /** Samples per batch at most. */
  batchSize: number;
  /** Samples kept until acknowledged. */
  ringCapacity: number;
  /** Bytes of the WebSocket input and output buffers (smaller on an ESP8266); 1,460 by default. */
  bufferSize?: number;
  /** TLS options for a wss:// URL, handed to the transport (on Node: node:tls options such as { ca }). */
  tls?: Record<string, unknown>;
  /** Reconnection backoff in ms: ceiling of the first delay, and of any delay; 500 and 30,000 by default. */
  reconnect?: { initialDelay: number; maxDelay: number };
  /** Ping every `interval` ms; silence for `timeout` ms more drops the link; 20,000 and 10,000 by default. */
  heartbeat?: { interval: number; timeout: number };
}

export interface DeviceDependencies {
  network: Network;
  platform: Platform;
  sensors: SensorSet;
  /** Milliseconds: epoch time where the device has a clock, else uptime. */
  now(): number;
  /** The LED or other digital output that set-output drives. */
  output?(value: 0 | 1): void;
}

/** The commands and their arguments, sent in the hello so that the dashboard can list them. */
export const COMMAND_LIST: [string, string][] = [
  ["status", ""], ["ping", "t: any"], ["set-period", "ms: 100..3600000"], ["get-config", ""],
  ["set-config", "key: periodMs|batchSize, value: number"], ["set-output", "value: 0|1"], ["restart-stream", ""],
];

export class DeviceApp {
  readonly ring: SampleRing;
  readonly commands: CommandProcessor;
  readonly settings: DeviceSettings;
  /** Batches sent, acknowledgements applied, connections opened, reconnections scheduled. */
  readonly counts = { batches: 0, acks: 0, opens: 0, reconnects: 0 };
  /** The last problem the connection reported ("WS_ERR_UNEXPECTED_STATUS 500"), for the status command. */
  lastError = "";
  readonly #deps: DeviceDependencies;
  readonly #row: number[];
  readonly #batch: Uint8Array;
  #client: WebSocketClient | null = null;
  #timer: unknown = null;
  #output: 0 | 1 = 0;

  constructor(settings: DeviceSettings, deps: DeviceDependencies) {
    if (!/^[\x21-\x7e]{1,64}$/.test(settings.deviceId)) throw new TypeError("device id: 1 to 64 printable ASCII characters");
    this.settings = { ...settings };
    this.#deps = deps;
    this.#row = deps.sensors.channels.map(() => NaN);
    // a new boot id per app start: sequences restart at 0, and (device, boot, sequence) stays unique
    this.ring = new SampleRing(settings.ringCapacity, deps.sensors.channels.length, deps.platform.random32());
    this.#batch = new Uint8Array(batchSize(settings.deviceId, deps.sensors.channels.length, settings.batchSize));
    this.commands = new CommandProcessor({
      "status": () => this.status(),
      "ping": (args) => ({ t: args.t ?? null, now: deps.now() }),
      "set-period": (args) => ({ ms: (this.settings.periodMs = numberArg(args, "ms", 100, 3_600_000)) }),
      "get-config": () => ({ ...this.settings, token: "(hidden)" }),
      "set-config": (args) => this.#setConfig(args),
      "set-output": (args) => {
        if (args.value !== 0 && args.value !== 1) throw new CommandError("BAD_ARGS", "value must be 0 or 1");
        this.#output = args.value;
        deps.output?.(args.value);
        return { value: args.value };
      },
      "restart-stream": () => { this.ring.rewind(); this.#hello(); return { resending: this.ring.unsent }; },
    });
  }

  get connected(): boolean { return this.#client?.state === ClientStates.OPEN; }

  start(): void {
    const separator = this.settings.url.indexOf("?") >= 0 ? "&" : "?";
    this.#client = new WebSocketClient({
      url: `${this.settings.url}${separator}device=${encodeURIComponent(this.settings.deviceId)}`,
      network: this.#deps.network, platform: this.#deps.platform,
      headers: { Authorization: `Bearer ${this.settings.token}` }, secure: this.settings.tls,
      reconnect: this.settings.reconnect ?? { initialDelay: 500, maxDelay: 30_000 },
      heartbeat: this.settings.heartbeat ?? { interval: 20_000, timeout: 10_000 },
      onReconnect: () => { this.counts.reconnects++; },
      onError: (p) => { this.lastError = `${p.code} ${p.status}`; },
      maxMessage: 2048, maxQueue: 4 * this.#batch.length,
      inputSize: this.settings.bufferSize ?? 1460, outputSize: this.settings.bufferSize ?? 1460,
      onOpen: () => {
        this.counts.opens++;
        this.ring.rewind(); // whatever was not acknowledged goes again
        this.#hello();
        this.flush();
      },
      onMessage: (type, data, length) => { if (type === OPCODE_TEXT) this.#text(utf8Decode(data, 0, length)); },
      onDrain: () => this.flush(),
    });
    this.#schedule();
  }

  stop(): void {
    if (this.#timer !== null) this.#deps.network.timers.clear(this.#timer);
    this.#timer = null;
    this.#client?.close(1001, "device stopping");
  }

  /** Takes one sample now, and sends a batch when one is full. */
  sample(): void {
    this.#deps.sensors.read(this.#row);
    this.ring.push(this.#deps.now(), this.#row);
    if (this.ring.unsent >= this.settings.batchSize) this.flush();
  }

  /** Sends unsent samples while the connection takes them. */
  flush(): void {
    const client = this.#client;
    while (client !== null && client.state === ClientStates.OPEN && this.ring.unsent > 0 && client.bufferedAmount < 2 * this.#batch.length) {
      const n = this.ring.takeBatch(this.settings.deviceId, this.#batch, this.settings.batchSize);
      if (!client.send(this.#batch.slice(0, n))) {
        this.ring.rewind(); // refused: send them again later; the server ignores a sequence it has
        return;
      }
      this.counts.batches++;
    }
  }

  status(): Record<string, unknown> {
    return {
      device: this.settings.deviceId, connected: this.connected, held: this.ring.size, unsent: this.ring.unsent,
      dropped: this.ring.dropped, periodMs: this.settings.periodMs, output: this.#output,
      sensorFailures: this.#deps.sensors.failures, commandErrors: this.commands.errors, lastError: this.lastError,
      ...this.counts,
    };
  }

  #schedule(): void {
    this.#timer = this.#deps.network.timers.set(() => {
      this.sample();
      this.#schedule();
    }, this.settings.periodMs);
  }

  #hello(): void {
    this.#client?.send(JSON.stringify({
      type: "hello", device: this.settings.deviceId, boot: this.ring.bootId, channels: this.#deps.sensors.channels,
      // a copy: a preloaded module's objects are read-only on a device, and XS's JSON.stringify marks
      // every object it visits, so it throws "read only value" on them (seen in Moddable's simulator)
      units: this.#deps.sensors.units, commands: COMMAND_LIST.map((c) => [c[0], c[1]]), periodMs: this.settings.periodMs, dropped: this.ring.dropped,
    }));
  }

  /** An acknowledgement {"type":"ack","boot":B,"seq":N} (of this boot only), or a command to answer. */
  #text(text: string): void {
    let message: { type?: unknown; boot?: unknown; seq?: unknown } | null = null;
    try {
      message = JSON.parse(text);
    } catch {
      message = null; // the command processor answers it as BAD_JSON
    }
    if (message !== null && typeof message === "object" && message.type === "ack") {
      if (message.boot === this.ring.bootId && typeof message.seq === "number" && Number.isInteger(message.seq)) {
        this.ring.acknowledge(message.seq);
        this.counts.acks++;
        this.flush();
      }
      return;
    }
    this.#client?.send(this.commands.handle(text));
  }

  #setConfig(args: Record<string, unknown>): unknown {
    if (args.key === "periodMs") this.settings.periodMs = numberArg(args, "value", 100, 3_600_000);
    else if (args.key === "batchSize") {
      const value = numberArg(args, "value", 1, 1000);
      if (batchSize(this.settings.deviceId, this.ring.channels, value) > this.#batch.length) {
        throw new CommandError("BAD_ARGS", `batchSize over the buffer's ${this.settings.batchSize}`);
      }
      this.settings.batchSize = value;
    } else throw new CommandError("BAD_ARGS", "key must be periodMs or batchSize");
    return { [args.key as string]: args.value };
  }
}
