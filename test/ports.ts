import { createServer } from 'node:net';

/**
 * Below Linux's ephemeral range (32768+), so ports the OS hands out at random later (the dev
 * server's HTTP and metrics ports, outgoing connections) cannot collide with ours between our
 * check and their use.
 */
const LOWEST = 20_000;
const SLICE = 2_000;
const SLICES = 6;

/**
 * Each process draws from a slice of its own (vitest numbers its forks; the main process, where
 * the global setup runs, is 0), and never hands out a port twice: a port checked free is not
 * held, so two draws in one process, or in two forks, could otherwise name the same port before
 * either binds it (CI once gave the HMCTS reference system and the API's metrics the same one).
 */
const slice = Number(process.env.VITEST_POOL_ID ?? 0) % SLICES;
const handedOut = new Set<number>();

/** A TCP port free on loopback right now that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + slice * SLICE + Math.floor(Math.random() * SLICE);
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
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
