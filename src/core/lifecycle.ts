// Hooks a service runs when Nimbus stops (child processes, extra listeners), in the order
// they were registered.
const hooks: (() => void | Promise<void>)[] = [];

export function onStop(hook: () => void | Promise<void>): void { hooks.push(hook); }

export async function runStopHooks(): Promise<void> {
  for (const h of hooks) {
    try { await h(); } catch (e) { console.error('nimbus: a stop hook failed', e); }
  }
}
