// Root hooks for every mocha test: a test must end with every socket and listener it made closed,
// and the whole run with none open at all, as a board's few lwIP sockets demand. Sockets a suite
// opens in its before() hook for several tests are that suite's, checked at the end of the run.
// Closing is asynchronous (a close frame, a TCP FIN), so each check waits a little for it.

import { openSockets } from "../../host/node-tcp.js";

const WAIT_MS = 3000;
let before = new Set<object>();

async function leftOpen(mine: (socket: object) => boolean): Promise<string[]> {
  const open = () => [...openSockets.keys()].filter(mine);
  for (let waited = 0; open().length > 0 && waited < WAIT_MS; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const left = open();
  const names = left.map((s) => openSockets.get(s) as string);
  // closed here so that one leaking test does not fail every test after it
  for (const socket of left) (socket as { close(): void }).close();
  return names;
}

/** What each test left open; reported together at the end, as a failing root hook would stop the run. */
const leaks: string[] = [];

export const mochaHooks = {
  beforeEach(): void {
    before = new Set(openSockets.keys());
  },
  async afterEach(this: Mocha.Context): Promise<void> {
    this.timeout(WAIT_MS + 2000);
    const left = await leftOpen((s) => !before.has(s));
    if (left.length > 0) leaks.push(`"${this.currentTest?.fullTitle()}" left ${left.length} open: ${left.join("; ")}`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(WAIT_MS + 2000);
    const left = await leftOpen(() => true);
    if (left.length > 0) leaks.push(`the run ended with ${left.length} open: ${left.join("; ")}`);
    if (leaks.length > 0) throw new Error(`sockets left open:\n${leaks.join("\n")}`);
  },
};
