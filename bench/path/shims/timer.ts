// Stands in for Moddable's native "timer" module when its ECMA-419 client runs in the bench: each
// call costs what a native call costs (the call); the body is bracketed off as the fake's. Callbacks
// queued here never run: the bench reads every byte the client is handed, so it never defers a read.
import { enter, leave } from "../probe.js";

let next = 1;

export default class Timer {
  static set(_callback: () => void, _ms?: number): number {
    enter();
    const id = next++;
    leave();
    return id;
  }

  static repeat(callback: () => void, ms: number): number { return Timer.set(callback, ms); }

  static clear(_id: unknown): void {
    enter();
    leave();
  }
}
