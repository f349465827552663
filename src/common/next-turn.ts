/**
 * Gives the event loop a turn: a long scan (a trail verified, the anomaly rules over a month of audit rows) pauses
 * here between pages, so the requests that arrived meanwhile are answered in between instead of waiting for the
 * whole scan (docs/performance.md).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
