/**
 * A pass-through TCP proxy in front of PostgreSQL that counts the statements a client sends: simple
 * queries ('Q') and executions of extended-protocol portals ('E'). Used to count SQL statements per
 * request for a server that does not report them itself (PostGraphile); never on the timed path.
 */
const net = require('node:net');

function countingProxy(target) {
  let statements = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          // The startup message (and an SSL request) has no type byte: a length, then the body.
          if (buffer.length < 4) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code !== 80877103) startup = false; // 80877103 = SSLRequest, followed by the real startup
          continue;
        }
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) break;
        const type = String.fromCharCode(buffer[0]);
        if (type === 'Q' || type === 'E') statements += 1;
        buffer = buffer.subarray(length + 1);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        take() {
          const n = statements;
          statements = 0;
          return n;
        },
        close: () => new Promise((r) => server.close(() => r())),
      }),
    );
  });
}

module.exports = { countingProxy };
