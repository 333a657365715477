// Runs a node script as a child and ends it when the test process that started us goes away, even if that process
// crashed or was killed and never got to stop it. Usage: node parent-watch.mjs <parent pid> <script> [args...]
import { spawn } from 'node:child_process';

const [parentPid, script, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });

const stop = () => {
  try { child.kill('SIGKILL'); } catch { /* already gone */ }
  process.exit(0);
};

setInterval(() => {
  try { process.kill(Number(parentPid), 0); } catch { stop(); }
}, 1000);

child.on('exit', (code) => process.exit(code ?? 1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
