import { createServer } from 'node:net';

/**
 * A TCP port free on loopback right now, chosen below Linux's ephemeral range (32768+), so that
 * ports the OS hands out at random later (the dev server's HTTP and metrics ports, outgoing
 * connections) cannot collide with it between this check and its use.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canBind(port)) return port;
  }
  throw new Error('no free port found below the ephemeral range');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
