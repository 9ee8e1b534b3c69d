// The kubelet's healthz endpoint (healthzBindAddress:healthzPort, default 127.0.0.1:10248):
// `kubeadm init` polls it ("[kubelet-check]"). A kubelet that cannot bind it logs the error and
// keeps running, as the real one does.
import http from 'node:http';
import { listenHost } from '../common/labnet.js';
import { log } from './log.js';

export function serveHealthz(address: string, port: number): http.Server | undefined {
  if (port <= 0) return undefined;
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz' || req.url?.startsWith('/healthz?')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  });
  server.on('error', (e: NodeJS.ErrnoException) => {
    const why = e.code === 'EADDRINUSE' ? 'bind: address already in use' : e.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address' : e.message;
    log.error('server.go:1211', `"Failed to start healthz server" err="listen tcp ${address}:${port}: ${why}"`);
  });
  server.listen(port, listenHost(address));
  return server;
}
