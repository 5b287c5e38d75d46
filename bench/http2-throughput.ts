/**
 * One-way HTTP/2 throughput between two Node processes on loopback (the ceiling for any gRPC
 * stream here): a server streams 512 MiB in 1 MiB writes to a client with a 64 MiB window.
 * Run without arguments: prints `{"GBps": x}`.
 */
import { fork } from 'node:child_process';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const WINDOW = 64 << 20;
const MIB = 512;

if (process.argv[2] === 'client') {
  const s = http2.connect(`http://127.0.0.1:${process.argv[3]}`, { settings: { initialWindowSize: WINDOW } });
  s.on('remoteSettings', () => s.setLocalWindowSize(WINDOW));
  const req = s.request({ ':path': '/' });
  let n = 0;
  const t0 = performance.now();
  req.on('data', (d: Buffer) => (n += d.length));
  req.on('end', () => {
    process.stdout.write(`${JSON.stringify({ GBps: n / ((performance.now() - t0) / 1000) / 1e9 })}\n`);
    s.close();
  });
} else {
  const srv = http2.createServer({ settings: { initialWindowSize: WINDOW } });
  const buf = Buffer.alloc(1 << 20, 7);
  srv.on('stream', (st) => {
    st.respond({ ':status': 200 });
    let left = MIB;
    const w = (): void => {
      while (left > 0) {
        left--;
        if (!st.write(buf)) return void st.once('drain', w);
      }
      st.end();
    };
    w();
  });
  srv.listen(0, '127.0.0.1', () => {
    const c = fork(fileURLToPath(import.meta.url), ['client', String((srv.address() as AddressInfo).port)]);
    c.on('exit', () => srv.close());
  });
}
