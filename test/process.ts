// Nimbus as a separate process (bin/nimbus.js), for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => ok(p)); });
  });
}

export interface NimbusProcess { endpoint: string; child: ChildProcess; output(): string; startupMs: number }

export async function startProcess(args: string[], port?: number): Promise<NimbusProcess> {
  port ??= await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'nimbus.js'), 'start', '--port', String(port), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`nimbus exited: ${out}`);
    try {
      const r = await fetch(`${endpoint}/_nimbus/health`);
      if (r.ok) return { endpoint, child, output: () => out, startupMs: performance.now() - started };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`nimbus did not start: ${out}`);
}

export function kill9(p: NimbusProcess): Promise<void> {
  return new Promise((ok) => { p.child.once('exit', () => ok()); p.child.kill('SIGKILL'); });
}
