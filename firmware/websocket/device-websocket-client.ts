// embedded:network/websocket/client on the device: our ECMA-419 WebSocket client bound to the
// device's SHA-1, random source and Timer. An app written for Moddable's class imports this instead
// (or names it in its host provider: device.network.ws.io) and is otherwise unchanged.

import { deviceNetwork } from "./device.js";
import { webSocketClientClass } from "./embedded-client.js";
import { devicePlatform } from "./platform-device.js";

const WebSocketClient = webSocketClientClass({ platform: devicePlatform, timers: deviceNetwork().timers });
export default WebSocketClient;
