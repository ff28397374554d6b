// Moddable's ECMA-419 SHT3x driver (modules/drivers/sensors/sht3x), which has no typings of its own.
declare module "embedded:sensor/Humidity-Temperature/SHT3x" {
  export default class SHT3x {
    constructor(options: { sensor: unknown; onError?(message: string): void });
    sample(): { thermometer: { temperature?: number }; hygrometer: { humidity?: number } };
    close(): void;
  }
}
