// The settings both echo endpoints run with: device-like I/O (1,460-byte reads and writes, lwIP-sized
// TCP windows in the Node adapter), and a message buffer large enough for a conformance suite's
// largest messages (16 MiB), which a device would instead take in streaming mode.

export const ECHO_SETTINGS = Object.freeze({
  inputSize: 1460,
  outputSize: 1460,
  maxMessage: 16 * 1024 * 1024 + 1024,
  maxQueue: 32 * 1024 * 1024,
  closeTimeout: 2000,
});
