// Sensors behind one small interface. A sensor that fails reports NaN for its channels and is
// counted; it never stops the stream.

export interface Sensor {
  /** Channel names, in the order read() fills them. */
  readonly channels: readonly string[];
  /** The unit of each channel ("°C", "%", "B", "dBm", "s"), sent in the hello for the dashboard. */
  readonly units: readonly string[];
  /** Writes one reading per channel into `into` from `at`; throws or returns false on failure. */
  read(into: number[], at: number): boolean;
}

/** A uniform random number in [0, 1) from 32 random bits. */
export type Uniform = () => number;

/** Simulated temperature (°C) and humidity (%): a daily-like cycle, slow drift, and noise. */
export class SimulatedClimate implements Sensor {
  readonly channels = ["temperature", "humidity"] as const;
  readonly units = ["°C", "%"] as const;
  readonly #random: Uniform;
  readonly #now: () => number;
  #drift = 0;

  constructor(random: Uniform, now: () => number) {
    this.#random = random;
    this.#now = now;
  }

  read(into: number[], at: number): boolean {
    const t = this.#now() / 1000;
    this.#drift = Math.max(-2, Math.min(2, this.#drift + (this.#random() - 0.5) * 0.02));
    const cycle = Math.sin((2 * Math.PI * t) / 600); // a ten-minute "day", so a dashboard shows it moving
    const noise = () => (this.#random() + this.#random() + this.#random() - 1.5) * 0.2;
    into[at] = Math.round((22 + 3 * cycle + this.#drift + noise()) * 100) / 100;
    into[at + 1] = Math.round(Math.max(0, Math.min(100, 45 - 10 * cycle - this.#drift * 2 + noise() * 5)) * 10) / 10;
    return true;
  }
}

/** The device's own figures: free heap (bytes), Wi-Fi RSSI (dBm) and uptime (s), from injected probes. */
export class DeviceFigures implements Sensor {
  readonly channels = ["heap", "rssi", "uptime"] as const;
  readonly units = ["B", "dBm", "s"] as const;
  readonly #probe: { heap(): number; rssi(): number; uptime(): number };

  constructor(probe: { heap(): number; rssi(): number; uptime(): number }) {
    this.#probe = probe;
  }

  read(into: number[], at: number): boolean {
    into[at] = this.#probe.heap();
    into[at + 1] = this.#probe.rssi();
    into[at + 2] = this.#probe.uptime();
    return true;
  }
}

/** Reads every sensor into one row; a failing sensor's channels become NaN, and it is counted. */
export class SensorSet {
  readonly sensors: readonly Sensor[];
  readonly channels: string[];
  readonly units: string[];
  /** Failed reads per sensor index. */
  readonly failures: number[];

  constructor(sensors: readonly Sensor[]) {
    this.sensors = sensors;
    this.channels = sensors.flatMap((s) => [...s.channels]);
    this.units = sensors.flatMap((s) => [...s.units]);
    this.failures = sensors.map(() => 0);
  }

  read(into: number[]): void {
    let at = 0;
    this.sensors.forEach((sensor, k) => {
      let ok = false;
      try {
        ok = sensor.read(into, at);
      } catch {
        ok = false;
      }
      if (!ok) {
        this.failures[k]++;
        for (let c = 0; c < sensor.channels.length; c++) into[at + c] = NaN;
      }
      at += sensor.channels.length;
    });
  }
}

/** What an ECMA-419 temperature and humidity driver returns (SHT3x, AHT10, SHTC3: embedded:sensor/...). */
export interface ClimateDriver {
  sample(): { thermometer?: { temperature?: number }; hygrometer?: { humidity?: number } } | undefined;
}

/** A real I2C sensor through its ECMA-419 driver; a missing value or a bus error is a failed read. */
export class I2cClimate implements Sensor {
  readonly channels = ["temperature", "humidity"] as const;
  readonly units = ["°C", "%"] as const;
  readonly #driver: ClimateDriver;

  constructor(driver: ClimateDriver) {
    this.#driver = driver;
  }

  read(into: number[], at: number): boolean {
    const sample = this.#driver.sample();
    const t = sample?.thermometer?.temperature;
    const h = sample?.hygrometer?.humidity;
    if (typeof t !== "number" || typeof h !== "number") return false;
    into[at] = Math.round(t * 100) / 100;
    into[at + 1] = Math.round(h * 10) / 10;
    return true;
  }
}
