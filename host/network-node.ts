// The Network a client or server gets on Node: the ECMA-419-shaped adapters and setTimeout.

import type { Network } from "../firmware/websocket/io.js";
import { NodeListener, NodeTCP, NodeTLS, nodeTimers } from "./node-tcp.js";

export const nodeNetwork: Network = Object.freeze({
  socket: { io: NodeTCP },
  tls: { io: NodeTLS },
  listener: { io: NodeListener },
  timers: nodeTimers,
});
