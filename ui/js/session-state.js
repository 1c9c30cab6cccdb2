// What the screens keep between visits (a search text, a cached list) belongs
// to the operator who typed it. Each module that keeps something registers how
// to forget it; locking and logging out forget everything, so the next operator
// neither sees nor sends anything of the previous one.

const forgetters = new Set();

/** Registers fn, called at every lock and logout. */
export function onSessionEnd(fn) {
  forgetters.add(fn);
}

/** Forgets what every module keeps (main.js, at lock and logout). */
export function endSession() {
  for (const fn of forgetters) {
    try {
      fn();
    } catch (e) {
      // One module failing to forget must not keep the others from it.
      console.error(e);
    }
  }
}
