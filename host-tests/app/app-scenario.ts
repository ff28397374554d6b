// A run of the device app's pure modules (ring, stream format, commands) that Node and XS must
// agree on, byte for byte.

import { CommandProcessor, numberArg } from "../../firmware/app/commands.js";
import { SampleRing } from "../../firmware/app/sample-ring.js";
import { decodeBatch } from "../../firmware/app/stream-format.js";
import { toHex } from "../../fixtures/hex.js";

export function appScenario(): string[] {
  const lines: string[] = [];
  const ring = new SampleRing(6, 3, 0x12345678);
  const out = new Uint8Array(256);
  for (let i = 0; i < 9; i++) ring.push(1_700_000_000_000 + i * 125, [20 + i / 4, 55.5 - i, i % 3 === 0 ? NaN : i]);
  let n = ring.takeBatch("sensor-7", out, 4);
  lines.push(`batch ${toHex(out, 0, n)}`);
  ring.acknowledge(decodeBatch(out.subarray(0, n)).firstSequence + 1);
  ring.rewind();
  n = ring.takeBatch("sensor-7", out, 10);
  const b = decodeBatch(out.subarray(0, n));
  lines.push(`resent ${b.firstSequence} ${b.readings.length} dropped ${b.dropped} ${JSON.stringify(b.timestamps)}`);
  const commands = new CommandProcessor({ "set-period": (a) => ({ ms: numberArg(a, "ms", 100, 60000) }) });
  for (const text of ['{"id":1,"cmd":"set-period","args":{"ms":250}}', '{"id":2,"cmd":"set-period","args":{"ms":1}}', "nope", '{"id":"x","cmd":"reboot"}']) {
    lines.push(commands.handle(text));
  }
  return lines;
}
