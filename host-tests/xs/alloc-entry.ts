// Under XS: counts the slots and chunk bytes the core allocates per message in steady state, with
// garbage collection off so that nothing allocated can be reclaimed unseen.
import { receiving, sending, type Workload } from "../../fixtures/workloads.js";

/** What `count` messages allocate, GC off. */
function window(w: Workload, count: number): [number, number] {
  collectGarbage();
  gcEnable(false);
  const slots = heapSlots();
  const chunks = heapChunks();
  w.run(count);
  const s = heapSlots() - slots;
  const c = heapChunks() - chunks;
  gcEnable(true);
  return [s, c];
}

/** Per message: the difference between windows of 2n and n messages cancels the harness's own cost. */
function allocations(w: Workload, n: number): { slots: number; chunks: number } {
  w.run(4); // first use: lazily created engine structures are not per-frame costs
  const [s1, c1] = window(w, n);
  const [s2, c2] = window(w, 2 * n);
  return { slots: (s2 - s1) / n, chunks: (c2 - c1) / n };
}

const results: Record<string, { slots: number; chunks: number }> = {};
for (const role of ["client", "server"] as const) {
  for (const type of ["text", "binary"] as const) {
    for (const size of [16, 1024, 65536]) {
      const count = size > 4096 ? 1 : 64;
      results[`receive ${role} ${type} ${size}`] = allocations(receiving({ role, type, size }), count);
      results[`send ${role} ${type} ${size}`] = allocations(sending({ role, type, size }), count);
    }
  }
}
print("RESULT " + JSON.stringify(results));
