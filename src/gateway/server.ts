// The server on one port: HTTP/1.1, and HTTP/2 over cleartext (h2c with prior knowledge) on the
// same port. AWS endpoints speak both, and some SDK clients use HTTP/2 by default (the JS SDK's
// Kinesis client, for SubscribeToShard's event stream), so a client pointed at
// http://localhost:4566 must find HTTP/2 there too. Each connection's first bytes decide: the
// HTTP/2 connection preface goes to the HTTP/2 server, anything else to the HTTP/1.1 server.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { GatewayOptions } from './exchange.js';
import { handle } from './pipeline.js';

/** RFC 9113 §3.4: every HTTP/2 connection starts with these 24 bytes. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** The listening server; closeAllConnections ends open sockets of both protocols at stop. */
export type Gateway = Server & { closeAllConnections(): void };

export function createGateway(opts: GatewayOptions): Gateway {
  const http1 = createHttpServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => handle(req, res, opts));
  // A client sending garbage that isn't HTTP gets a 400 and the socket closes; nothing crashes.
  http1.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  // The compatibility API gives HTTP/2 streams the request/response interface the pipeline uses.
  const http2 = createHttp2Server({}, (req: Http2ServerRequest, res: Http2ServerResponse) =>
    handle(req as unknown as IncomingMessage, res as unknown as ServerResponse, opts));
  http2.on('sessionError', () => { /* the session is torn down; nothing else to do */ });

  const server = createNetServer({ noDelay: true }, (socket) => route(socket, http1, http2)) as Gateway;
  // close() stops accepting; the sessions and keep-alive sockets are ended by closeAllConnections.
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });
  server.closeAllConnections = () => {
    for (const s of sockets) s.destroy();
  };
  return server;
}

/** Reads just enough of a new connection to tell HTTP/2's preface from HTTP/1.x, then hands it on. */
function route(socket: Socket, http1: ReturnType<typeof createHttpServer>, http2: ReturnType<typeof createHttp2Server>): void {
  let head: Buffer = Buffer.alloc(0);
  const onIdle = () => socket.destroy();
  const onData = (chunk: Buffer) => {
    head = head.length ? Buffer.concat([head, chunk]) : chunk;
    const n = Math.min(head.length, PREFACE.length);
    const h2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (h2 && head.length < PREFACE.length) return; // a prefix of the preface: wait for more
    socket.removeListener('data', onData);
    socket.setTimeout(0); // from here the chosen server's own timeouts apply
    socket.removeListener('timeout', onIdle);
    socket.pause();
    socket.unshift(head);
    (h2 ? http2 : http1).emit('connection', socket);
    process.nextTick(() => socket.resume());
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
  // A connection that never sends its first bytes is closed, as node:http closes one that
  // never completes its headers.
  socket.setTimeout(65_000, onIdle);
}
