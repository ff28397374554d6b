import assert from "node:assert/strict";
import { I2cClimate, SensorSet, SimulatedClimate, type Sensor } from "../../firmware/app/sensors.js";
import { deviceSettings } from "../../host/device-cli.js";

describe("Sensors", function () {
  it("reports a failing or missing sensor as NaN and counts it, without stopping the others", function () {
    const broken: Sensor = { channels: ["pressure"], units: ["hPa"], read: () => { throw new Error("I2C bus error"); } };
    const empty = new I2cClimate({ sample: () => ({ thermometer: {}, hygrometer: { humidity: 40 } }) });
    const good = new I2cClimate({ sample: () => ({ thermometer: { temperature: 21.234 }, hygrometer: { humidity: 40.06 } }) });
    const set = new SensorSet([broken, empty, good]);
    const row: number[] = [];
    set.read(row);
    set.read(row);
    assert.deepEqual(set.channels, ["pressure", "temperature", "humidity", "temperature", "humidity"]);
    assert.ok(Number.isNaN(row[0]) && Number.isNaN(row[1]) && Number.isNaN(row[2]));
    assert.deepEqual(row.slice(3), [21.23, 40.1]);
    assert.deepEqual(set.failures, [2, 2, 0]);
  });

  it("simulates plausible climate readings that vary", function () {
    let seed = 1;
    const sensor = new SimulatedClimate(() => ((seed = (seed * 16807) % 2147483647) / 2147483647), () => 0);
    const seen = new Set<number>();
    const row: number[] = [];
    for (let i = 0; i < 50; i++) {
      sensor.read(row, 0);
      assert.ok(row[0] > 15 && row[0] < 30 && row[1] >= 0 && row[1] <= 100, `${row}`);
      seen.add(row[0]);
    }
    assert.ok(seen.size > 10);
  });
});

describe("Host device settings", function () {
  it("come from a config file, with the command line winning", function () {
    const s = deviceSettings({ url: "ws://127.0.0.1:9/device", device: "from-file", period: 500, token: "t-file" }, ["--device", "from-cli", "--batch", "4"]);
    assert.deepEqual(s, { url: "ws://127.0.0.1:9/device", deviceId: "from-cli", token: "t-file", periodMs: 500,
      batchSize: 4, ringCapacity: 600, bufferSize: 1460 });
  });

  it("refuse a bad value with a clear error", function () {
    assert.throws(() => deviceSettings({ period: 5, token: "t" }, []), /period must be a whole number from 100/);
    assert.throws(() => deviceSettings({ token: "t" }, ["--ring", "many"]), /ring must be a whole number/);
    assert.throws(() => deviceSettings({}, []), /token is needed: npm run device -- add ID/);
  });
});
