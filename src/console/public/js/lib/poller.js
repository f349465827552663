// Polling that stays polite: one request at a time (the next starts after the last answer), paused while the tab
// is hidden, stopped when the screen goes away.

/** Calls fn now and then every `ms` until the returned stop() is called. */
export function poll(fn, ms) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try {
        await fn();
      } catch (err) {
        console.warn('poll failed', err);
      }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
