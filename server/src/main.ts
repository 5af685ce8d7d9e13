/** `npm start`: parse config, open the data directory, listen, shut down cleanly on SIGTERM/SIGINT. */
import { createApp } from './app.js';
import { createHttpServer } from './http/node-server.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { isLoopbackHost } from './loopback.js';
import { createServices } from './services.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger({ level: config.LOG_LEVEL });
  const services = createServices(config, log);
  const app = createApp(services);
  const server = createHttpServer(app);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  log.info({ host: config.HOST, port, dataDir: config.dataDir }, `Pagewise listening on http://${config.HOST}:${port}`);
  if (!isLoopbackHost(config.HOST) && config.allowedHosts.length === 0) {
    log.warn({ port }, `only requests addressed to localhost or 127.0.0.1 on port ${port} are answered; set ALLOWED_HOSTS to the names other machines use (SECURITY.md H1)`);
  }
  // Start the extraction workers now (loading pdf.js takes a few seconds), so the first upload does not wait.
  services.pool.warm();

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    services
      .close()
      .catch((err) => log.error({ err }, 'error during shutdown'))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Pagewise failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
