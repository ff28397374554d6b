import assert from "node:assert/strict";
import { CommandError, CommandProcessor, numberArg } from "../../firmware/app/commands.js";

describe("Commands", function () {
  let period = 1000;
  const processor = new CommandProcessor({
    "ping": (args) => ({ t: args.t ?? null }),
    "set-period": (args) => ({ ms: (period = numberArg(args, "ms", 100, 3_600_000)) }),
    "set-output": (args) => { if (args.value !== 0 && args.value !== 1) throw new CommandError("BAD_ARGS", "value must be 0 or 1"); return { value: args.value }; },
    "explode": () => { throw new Error("sensor bus stuck"); },
  });
  const reply = (text: string) => JSON.parse(processor.handle(text));

  it("answers a command with its id and result", function () {
    assert.deepEqual(reply('{"id":1,"cmd":"ping","args":{"t":12.5}}'), { id: 1, ok: true, result: { t: 12.5 } });
    assert.deepEqual(reply('{"id":"a7","cmd":"set-period","args":{"ms":500}}'), { id: "a7", ok: true, result: { ms: 500 } });
    assert.equal(period, 500);
  });

  const refusals: [string, string, string | number | null, string][] = [
    ["text that is not JSON", "{oops", null, "BAD_JSON"],
    ["an array", "[1,2]", null, "BAD_COMMAND"],
    ["a missing id", '{"cmd":"ping"}', null, "BAD_COMMAND"],
    ["a missing cmd", '{"id":3}', 3, "BAD_COMMAND"],
    ["args that are not an object", '{"id":4,"cmd":"ping","args":[1]}', 4, "BAD_ARGS"],
    ["an unknown command", '{"id":5,"cmd":"format-disk"}', 5, "UNKNOWN_COMMAND"],
    ["an inherited name", '{"id":6,"cmd":"toString"}', 6, "UNKNOWN_COMMAND"],
    ["a value out of range", '{"id":7,"cmd":"set-period","args":{"ms":5}}', 7, "BAD_ARGS"],
    ["a handler's own refusal", '{"id":8,"cmd":"set-output","args":{"value":2}}', 8, "BAD_ARGS"],
    ["a handler that fails", '{"id":9,"cmd":"explode"}', 9, "FAILED"],
    ["an overlong message, with its id", `{"id":10,"cmd":"ping","pad":"${"x".repeat(2000)}"}`, 10, "TOO_LONG"],
    ["an overlong message that is not JSON", `{"id":11,${"x".repeat(2000)}`, null, "TOO_LONG"],
  ];
  for (const [what, text, id, code] of refusals) {
    it(`answers ${what} with an error ${code}`, function () {
      const r = reply(text);
      assert.equal(r.ok, false);
      assert.equal(r.id, id);
      assert.equal(r.error.code, code);
      assert.equal(typeof r.error.message, "string");
    });
  }

  it("counts the errors it answered, by code, and a refused command changes nothing", function () {
    // its own processor: the count must not depend on which tests ran before
    let ms = 1000;
    const own = new CommandProcessor({ "set-period": (args) => ({ ms: (ms = numberArg(args, "ms", 100, 3_600_000)) }) });
    for (const text of ['{"id":1,"cmd":"set-period","args":{"ms":5}}', '{"id":2,"cmd":"set-period","args":[1]}',
      '{"id":3,"cmd":"set-period"}', "{oops", '{"id":4,"cmd":"nope"}']) own.handle(text);
    assert.deepEqual({ ...own.errors }, { BAD_ARGS: 3, BAD_JSON: 1, UNKNOWN_COMMAND: 1 });
    assert.equal(ms, 1000, "a refused command changed nothing");
  });
});
