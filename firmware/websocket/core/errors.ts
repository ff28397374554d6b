// Every rejection the core can report: a stable string code plus the close code (frames) or HTTP
// status (handshakes) to answer with. Errors are preallocated so that failing costs no allocation.

export interface WebSocketProblem {
  /** Stable identifier for logs and tests, e.g. "WS_ERR_INVALID_OPCODE". */
  readonly code: string;
  /** Close code to send (remote protocol errors) or HTTP status (handshake refusals); 0 for none. */
  readonly status: number;
  /** True when the peer broke the protocol; false when the local app misused the API. */
  readonly remote: boolean;
  readonly message: string;
}

function problem(code: string, status: number, message: string, remote = true): WebSocketProblem {
  return Object.freeze({ code, status, remote, message });
}

export const FrameErrors = Object.freeze({
  RSV_SET: problem("WS_ERR_UNEXPECTED_RSV", 1002, "RSV bits set without a negotiated extension"),
  INVALID_OPCODE: problem("WS_ERR_INVALID_OPCODE", 1002, "reserved opcode"),
  CONTROL_TOO_LONG: problem("WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH", 1002, "control frame payload over 125 bytes"),
  CONTROL_FRAGMENTED: problem("WS_ERR_EXPECTED_FIN", 1002, "fragmented control frame"),
  EXPECTED_MASK: problem("WS_ERR_EXPECTED_MASK", 1002, "unmasked frame from a client"),
  UNEXPECTED_MASK: problem("WS_ERR_UNEXPECTED_MASK", 1002, "masked frame from a server"),
  LENGTH_HIGH_BIT: problem("WS_ERR_INVALID_LENGTH", 1002, "64-bit length with its most significant bit set"),
  UNEXPECTED_CONTINUATION: problem("WS_ERR_INVALID_CONTINUATION", 1002, "continuation frame without a message"),
  EXPECTED_CONTINUATION: problem("WS_ERR_EXPECTED_CONTINUATION", 1002, "new data frame inside a fragmented message"),
  MESSAGE_TOO_BIG: problem("WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", 1009, "message over the configured limit"),
  INVALID_UTF8: problem("WS_ERR_INVALID_UTF8", 1007, "invalid UTF-8 in a text message"),
  CLOSE_PAYLOAD_1_BYTE: problem("WS_ERR_INVALID_CLOSE_PAYLOAD", 1002, "close frame with a 1-byte payload"),
  INVALID_CLOSE_CODE: problem("WS_ERR_INVALID_CLOSE_CODE", 1002, "close code not allowed on the wire"),
  INVALID_CLOSE_REASON: problem("WS_ERR_INVALID_UTF8", 1007, "close reason is not valid UTF-8"),
  CONNECTION_LOST: problem("WS_ERR_CONNECTION_LOST", 1006, "stream ended without a close frame"),
  TOO_MANY_FRAGMENTS: problem("WS_ERR_TOO_MANY_FRAGMENTS", 1008, "message in more fragments than the configured limit"),
});

/** The app's own code failed inside one of its callbacks: neither the peer nor a misuse of the API. */
export const HandlerErrors = Object.freeze({
  THREW: problem("WS_ERR_HANDLER_THREW", 1011, "the app's callback threw", false),
});

export const HandshakeErrors = Object.freeze({
  HEADERS_TOO_LARGE: problem("WS_ERR_HEADERS_TOO_LARGE", 431, "request header fields too large"),
  MALFORMED: problem("WS_ERR_MALFORMED_HTTP", 400, "malformed HTTP message"),
  METHOD: problem("WS_ERR_INVALID_METHOD", 405, "method is not GET"),
  HTTP_VERSION: problem("WS_ERR_INVALID_HTTP_VERSION", 505, "HTTP version below 1.1"),
  NO_HOST: problem("WS_ERR_MISSING_HOST", 400, "missing Host header"),
  NOT_UPGRADE: problem("WS_ERR_NOT_UPGRADE", 426, "Upgrade: websocket and Connection: Upgrade required"),
  INVALID_KEY: problem("WS_ERR_INVALID_KEY", 400, "Sec-WebSocket-Key is not 16 bytes in base64"),
  VERSION: problem("WS_ERR_UNSUPPORTED_VERSION", 426, "Sec-WebSocket-Version must be 13"),
  // client side: the status tells what the server answered, 0 when it answered 101
  BAD_STATUS: problem("WS_ERR_UNEXPECTED_STATUS", 0, "server did not answer 101"),
  BAD_UPGRADE: problem("WS_ERR_INVALID_UPGRADE_HEADER", 0, "Upgrade or Connection header missing in 101"),
  BAD_ACCEPT: problem("WS_ERR_INVALID_ACCEPT", 0, "Sec-WebSocket-Accept does not match the key"),
  BAD_PROTOCOL: problem("WS_ERR_INVALID_SUBPROTOCOL", 0, "server chose a subprotocol that was not offered"),
  BAD_EXTENSION: problem("WS_ERR_UNEXPECTED_EXTENSION", 0, "server named an extension that was not offered"),
  // the client's connectTimeout ran out: before TCP connected, or in the handshake after it
  CONNECT_TIMEOUT: problem("WS_ERR_CONNECT_TIMEOUT", 0, "no TCP connection within the connect timeout"),
  HANDSHAKE_TIMEOUT: problem("WS_ERR_HANDSHAKE_TIMEOUT", 0, "no opening handshake within the connect timeout"),
});

export const UsageErrors = Object.freeze({
  NOT_OPEN: problem("WS_ERR_NOT_OPEN", 0, "connection is not open for sending", false),
  BUSY: problem("WS_ERR_SEND_BUSY", 0, "a message is still being sent", false),
  PIECES_OPEN: problem("WS_ERR_PIECES_OPEN", 0, "a message sent in pieces has not had its final piece", false),
  BAD_CLOSE_CODE: problem("WS_ERR_INVALID_CLOSE_CODE", 0, "close code must be 1000 or 3000-4999", false),
  REASON_TOO_LONG: problem("WS_ERR_CLOSE_REASON_TOO_LONG", 0, "close reason over 123 bytes", false),
  CONTROL_TOO_LONG: problem("WS_ERR_CONTROL_TOO_LONG", 0, "ping payload over 125 bytes", false),
  // send(JSON.stringify(undefined)) is send(undefined): said so, not a TypeError from deep inside
  INVALID_DATA: problem("WS_ERR_INVALID_DATA", 0, "a message is a string or a Uint8Array (a piece a Uint8Array), not null or undefined", false),
});

/** The error thrown for local misuse: the API was called wrongly, the peer did nothing. */
export class WebSocketUsageError extends Error {
  readonly code: string;
  constructor(p: WebSocketProblem) {
    super(p.message);
    this.code = p.code;
  }
}
