import { createDb } from '@crm/db';
import { ConfigError, loadConfig } from './config.ts';
import { jsonLogger } from './logger.ts';
import { startServer } from './server.ts';
import { buildServices } from './services.ts';
import { startWorkers } from './workers.ts';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = jsonLogger(config.logLevel);
  let handle: Awaited<ReturnType<typeof createDb>>;
  try {
    handle = await createDb({ url: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });
  } catch (error) {
    const what = config.databaseUrl ? 'DATABASE_URL' : `the embedded database in ${config.dataDir}`;
    process.stderr.write(`cannot open ${what}: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (config.jwtSecretSource === 'ephemeral') {
    log.warn(
      'JWT_SECRET is not set: tokens are signed with a random secret and die with this process; set it when running several processes',
    );
  }
  const services = buildServices(handle, {
    jwtSecret: config.jwtSecret,
    log,
    mail: config.mail,
    ...(config.billing ? { billing: config.billing } : {}),
  });
  if (!config.billing)
    log.warn('STRIPE_SECRET_KEY is not set: billing is not configured (checkout, portal, cancel and the webhook answer 503)');
  else if (!config.billing.webhookSecret)
    log.warn('STRIPE_WEBHOOK_SECRET is not set: the Stripe webhook answers 503, so paid plans never arrive');
  if (config.mail.smtp) {
    log.info('mail is sent through SMTP_URL', { host: config.mail.smtp.host, port: config.mail.smtp.port, from: config.mail.from });
  } else {
    log.warn(
      'SMTP_URL is not set: mail is kept in the outbox, not sent, except for tenants with their own SMTP settings (GET /api/v1/settings/email/outbox)',
    );
  }
  // The outbox relay and the other background workers: every process runs them; they share the work.
  const workers = startWorkers(services);
  const running = await startServer(services, { port: config.port, host: config.host });
  log.info('listening', { url: `http://${config.host}:${running.port}`, database: handle.kind });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    // Stop accepting, let in-flight requests finish, then close the pool; a hard stop after 10 s.
    const hard = setTimeout(() => process.exit(1), 10_000).unref();
    running.close().then(async () => {
      await workers.stop();
      await handle.close().catch(() => {});
      clearTimeout(hard);
      log.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`fatal: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
