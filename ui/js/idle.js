// The window's side of the idle lock. The shell locks on its own (a thread
// drops the service after the idle time with no command); this timer, reset
// by every command like the shell's clock, brings up the lock screen at the
// same moment instead of at the operator's next click.

let timer = null;
let seconds = 600;
let onIdle = null;

/** Starts watching: `callback` runs after `idleSeconds` with no command. */
export function armIdle(idleSeconds, callback) {
  seconds = idleSeconds;
  onIdle = callback;
  touchIdle();
}

/** A command went through: the clock starts again. */
export function touchIdle() {
  if (!onIdle) return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    const callback = onIdle;
    disarmIdle();
    callback();
  }, seconds * 1000);
}

export function disarmIdle() {
  clearTimeout(timer);
  timer = null;
  onIdle = null;
}
