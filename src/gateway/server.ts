// The HTTP server on one port.
import { createServer, type Server } from 'node:http';
import type { GatewayOptions } from './exchange.js';
import { handle } from './pipeline.js';

export function createGateway(opts: GatewayOptions): Server {
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => handle(req, res, opts));
  // A client sending garbage that isn't HTTP gets a 400 and the socket closes; nothing crashes.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
