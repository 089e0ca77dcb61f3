// Loaded (--import) into every node process the harness spawns. The spawning test process holds
// the write end of the child's stdin; when it dies (a test run interrupted, killed -9), the pipe
// closes and the child stops as on SIGTERM, its own shutdown included, instead of running on as an
// orphan that holds ports, files and CPU. Plain JS: compiled children carry no TypeScript loader.
import process from 'node:process';

const stop = () => process.kill(process.pid, 'SIGTERM');
process.stdin.once('end', stop);
process.stdin.once('error', stop);
process.stdin.resume();
// Reading stdin must not keep a child alive that has nothing else to do.
process.stdin.unref();
