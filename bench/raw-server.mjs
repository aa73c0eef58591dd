// The baseline: a bare node:http server that answers each path with the exact
// bytes and content-type the portal sent for it. Nothing else happens per
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
  res.writeHead(200, { 'content-type': r.type, 'content-length': r.body.length });
  res.end(r.body);
});

process.on('message', (m) => {
  if (m?.raw !== 'routes') return;
  for (const [path, { type, base64 }] of Object.entries(m.routes)) routes.set(path, { type, body: Buffer.from(base64, 'base64') });
  server.listen(0, '127.0.0.1', () => process.send({ id: m.id, port: server.address().port }));
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this module has its listener would go unheard: say when it has.
process.send({ ready: true });
