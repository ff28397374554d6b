// Commands from the server: JSON text messages with ids, each answered with its id and ok or an
// error. Handlers are injected (the device app wires them to sensors, config and pins), so the
// parsing and the replies run and are tested anywhere.
//
//   request:  {"id": 7, "cmd": "set-period", "args": {"ms": 500}}
//   reply:    {"id": 7, "ok": true, "result": {...}}
//             {"id": 7, "ok": false, "error": {"code": "BAD_ARGS", "message": "..."}}
//
// A message that is not JSON, not an object, or has no usable id is answered with "id": null; one
// over MAX_COMMAND_LENGTH is refused with TOO_LONG and its id where the id can be read.

export type CommandArgs = Record<string, unknown>;
export type CommandHandler = (args: CommandArgs) => unknown;

/** Thrown by a handler to refuse with a specific code, e.g. BAD_ARGS for a value out of range. */
export class CommandError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Longest command text accepted, in characters. */
export const MAX_COMMAND_LENGTH = 1024;

export class CommandProcessor {
  readonly #handlers: Record<string, CommandHandler>;
  /** Commands answered with an error, by code, for the device's status. */
  readonly errors: Record<string, number> = {};

  constructor(handlers: Record<string, CommandHandler>) {
    this.#handlers = handlers;
  }

  /** The reply (JSON text) to one command message; never throws. */
  handle(text: string): string {
    // an overlong message is still read for its id (the transport bounds it: 2 KiB), so that the
    // server can match the refusal to its request instead of waiting for a reply
    const tooLong = text.length > MAX_COMMAND_LENGTH;
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return tooLong ? this.#tooLong(null) : this.#error(null, "BAD_JSON", "not JSON");
    }
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
      return tooLong ? this.#tooLong(null) : this.#error(null, "BAD_COMMAND", "not a JSON object");
    }
    const { id, cmd, args } = request as { id?: unknown; cmd?: unknown; args?: unknown };
    const validId = (typeof id === "number" && Number.isFinite(id)) || (typeof id === "string" && id.length <= 64);
    if (tooLong) return this.#tooLong(validId ? id as number | string : null);
    if (!validId) return this.#error(null, "BAD_COMMAND", "id must be a number or a string of at most 64 characters");
    const replyId = id as number | string;
    if (typeof cmd !== "string") return this.#error(replyId, "BAD_COMMAND", "cmd must be a string");
    if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) {
      return this.#error(replyId, "BAD_ARGS", "args must be an object");
    }
    if (!Object.prototype.hasOwnProperty.call(this.#handlers, cmd)) {
      return this.#error(replyId, "UNKNOWN_COMMAND", `no command "${cmd.slice(0, 40)}"`);
    }
    try {
      const result = this.#handlers[cmd]((args ?? {}) as CommandArgs);
      return JSON.stringify({ id: replyId, ok: true, result: result ?? null });
    } catch (e) {
      if (e instanceof CommandError) return this.#error(replyId, e.code, e.message);
      return this.#error(replyId, "FAILED", e instanceof Error ? e.message : "command failed");
    }
  }

  #tooLong(id: number | string | null): string {
    return this.#error(id, "TOO_LONG", `over ${MAX_COMMAND_LENGTH} characters`);
  }

  #error(id: number | string | null, code: string, message: string): string {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    return JSON.stringify({ id, ok: false, error: { code, message } });
  }
}

/** A number argument within [min, max], or a CommandError BAD_ARGS. */
export function numberArg(args: CommandArgs, name: string, min: number, max: number): number {
  const value = args[name];
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new CommandError("BAD_ARGS", `${name} must be a number from ${min} to ${max}`);
  }
  return value;
}
