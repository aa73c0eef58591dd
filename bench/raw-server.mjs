// The baseline: a bare node:http server that answers each path with the exact
// bytes the portal sent for it: the same headers (but Date, which Node adds)
// and the same body. Nothing else happens per
// request, so portal / raw is what the framework, the session, the database
// and the rendering cost. Run pinned to the same core as the portal.
import { createServer } from 'node:http';

const routes = new Map();
const server = createServer((req, res) => {
  const r = routes.get(req.url);
  if (!r) {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(200, r.head);
  res.end(r.body);
});

process.on('message', (m) => {
  if (m?.raw !== 'routes') return;
  for (const [path, { headers, base64 }] of Object.entries(m.routes)) {
    const body = Buffer.from(base64, 'base64');
    routes.set(path, { head: [...headers.flat(), 'content-length', String(body.length)], body });
  }
  server.listen(0, '127.0.0.1', () => process.send({ id: m.id, port: server.address().port }));
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this module has its listener would go unheard: say when it has.
process.send({ ready: true });
