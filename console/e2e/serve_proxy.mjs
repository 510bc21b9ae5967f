// A same-origin front for the e2e run while `openaml serve` does not serve /console/ itself: files of the
// built console under /console/, every other request forwarded unchanged (Host header included, so SigV4
// signatures made in the browser still verify at the backend).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const kTypes = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** Start the front on 127.0.0.1:<free port>; resolves to {url, close}. */
export function startProxy(backendUrl, distDir) {
  const backend = new URL(backendUrl);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/console' || url.pathname.startsWith('/console/')) {
      let rel = decodeURIComponent(url.pathname.slice('/console'.length)).replace(/^\/+/, '');
      if (rel.split('/').some((s) => s.startsWith('.'))) { res.writeHead(400).end(); return; }
      let file = path.join(distDir, rel || 'index.html');
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) file = path.join(distDir, 'index.html');
      res.writeHead(200, { 'Content-Type': kTypes[path.extname(file)] ?? 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
      return;
    }
    const forward = http.request({ host: backend.hostname, port: backend.port, method: req.method, path: req.url,
                                   headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forward.on('error', (e) => { res.writeHead(502).end(String(e)); });
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
  }));
}
