// The binary stream a device sends: one WebSocket binary message per batch of samples.
//
//   offset  size  field (big-endian)
//   0       1     magic 0x53 ("S")
//   1       1     format version: 2 (version 1 had no boot id and is refused)
//   2       1     channels per sample, C (1..32)
//   3       1     device id length, L (1..64), then L bytes of ASCII id
//   4+L     4     boot id (uint32): drawn from the hardware RNG once per boot
//   8+L     4     sequence number of the first sample within this boot (uint32, from 0 at boot)
//   12+L    2     samples in this batch, N (0..65535)
//   14+L    4     samples dropped so far in this boot (uint32): overflow of the device's ring
//   18+L    8     timestamp of the first sample, ms (float64: epoch ms, or uptime ms without a clock)
//   26+L    N x (4 + 4C): per sample, ms after the first sample (uint32), then C float32 readings
//                 (NaN where a sensor failed)
//
// A sample is named by (device, boot, sequence): sequences restart at 0 on every boot, and the boot
// id keeps a new boot's samples apart from the last one's. The boot id comes from the RNG rather
// than a counter in flash (Preferences): no flash write per boot (wear, and a write that a power
// cut can tear), and the same code on boards, the simulator and Node; two boots of one device share
// an id with a chance of 1 in 2^32. A batch with N = 0 still reports the drop count. The channel
// names and units come once, in the "hello" text message the device sends on connect.

export const STREAM_MAGIC = 0x53;
export const STREAM_VERSION = 2;
export const MAX_CHANNELS = 32;
export const MAX_DEVICE_ID = 64;
/** Header bytes besides the device id. */
const HEADER_FIXED = 26;

export function batchHeaderSize(deviceId: string): number {
  return HEADER_FIXED + deviceId.length;
}

export function batchSize(deviceId: string, channels: number, samples: number): number {
  return batchHeaderSize(deviceId) + samples * (4 + 4 * channels);
}

export interface Batch {
  deviceId: string;
  channels: number;
  bootId: number;
  firstSequence: number;
  dropped: number;
  /** One entry per sample. */
  timestamps: number[];
  readings: number[][];
}

export class StreamFormatError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Decodes a batch (the server's side); throws StreamFormatError with a code for anything malformed. */
export function decodeBatch(bytes: Uint8Array): Batch {
  const fail = (code: string, message: string): never => { throw new StreamFormatError(code, message); };
  if (bytes.length < 2) fail("STREAM_TOO_SHORT", "shorter than a batch header");
  if (bytes[0] !== STREAM_MAGIC) fail("STREAM_BAD_MAGIC", "not a sample batch");
  if (bytes[1] !== STREAM_VERSION) fail("STREAM_BAD_VERSION", `format version ${bytes[1]}, the server takes ${STREAM_VERSION}`);
  if (bytes.length < HEADER_FIXED) fail("STREAM_TOO_SHORT", "shorter than a batch header");
  const channels = bytes[2];
  const idLength = bytes[3];
  if (channels < 1 || channels > MAX_CHANNELS) fail("STREAM_BAD_CHANNELS", `${channels} channels`);
  if (idLength < 1 || idLength > MAX_DEVICE_ID) fail("STREAM_BAD_DEVICE_ID", `device id of ${idLength} bytes`);
  if (bytes.length < HEADER_FIXED + idLength) fail("STREAM_TOO_SHORT", "shorter than its header");
  let deviceId = "";
  for (let i = 0; i < idLength; i++) {
    const c = bytes[4 + i];
    if (c < 0x21 || c > 0x7e) fail("STREAM_BAD_DEVICE_ID", "device id is not printable ASCII");
    deviceId += String.fromCharCode(c);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = 4 + idLength;
  const bootId = view.getUint32(at);
  const firstSequence = view.getUint32(at + 4);
  const count = view.getUint16(at + 8);
  const dropped = view.getUint32(at + 10);
  const base = view.getFloat64(at + 14);
  if (!Number.isFinite(base)) fail("STREAM_BAD_TIMESTAMP", "first timestamp is not a number");
  const stride = 4 + 4 * channels;
  if (bytes.length !== at + HEADER_FIXED - 4 + count * stride) fail("STREAM_BAD_LENGTH", `${bytes.length} bytes for ${count} samples`);
  const timestamps: number[] = [];
  const readings: number[][] = [];
  for (let s = 0, o = at + HEADER_FIXED - 4; s < count; s++, o += stride) {
    timestamps.push(base + view.getUint32(o));
    const row: number[] = [];
    for (let c = 0; c < channels; c++) row.push(view.getFloat32(o + 4 + 4 * c));
    readings.push(row);
  }
  return { deviceId, channels, bootId, firstSequence, dropped, timestamps, readings };
}
