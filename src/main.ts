import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamicModule, type INestApplication, type LogLevel as NestLogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigException } from './config/config.exception.js';
import { loadConfiguration } from './config/load-configuration.js';
import type { LogLevel } from './config/environment.variables.js';
import { createLogger } from './logging/pino-logger.service.js';

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

async function bootstrap(): Promise<void> {
  let config = loadConfiguration();
  const extra: DynamicModule[] = [];
  if (config.app.mode === 'sandbox') {
    // Loaded only here: production (which refuses sandbox mode) never imports the simulator.
    const { startSandbox } = await import('./sandbox/sandbox-bootstrap.js');
    const sandbox = await startSandbox(config);
    config = sandbox.config;
    extra.push(sandbox.module);
  }
  const app = await NestFactory.create(AppModule.forRoot(config, extra), {
    // Until the configured level is known: start-up errors are reported once, by the catch below.
    logger: ['fatal'],
    bufferLogs: true,
    abortOnError: false,
  });
  const { host, port, logLevel, mode, env } = config.app;
  // Levels first (Nest filters before calling the logger), then pino, which also prints the buffered lines.
  Logger.overrideLogger(NEST_LEVELS[logLevel]);
  app.useLogger(createLogger({ level: logLevel, env }));
  await app.listen(port, host);
  Logger.log(`Agent assist service listening on ${listeningAddress(app)} (${mode} mode)`, 'Bootstrap');
  exitCleanlyOn(['SIGTERM', 'SIGINT'], app);
}

/** What the server really bound (HOST resolved, PORT=0 picked), e.g. `127.0.0.1:3000` or `[::]:3000`. */
function listeningAddress(app: INestApplication): string {
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  return `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/**
 * Nest's own shutdown hooks re-raise the signal after closing, so the process dies "by signal";
 * Kubernetes and compose expect a drained service to exit 0.
 */
function exitCleanlyOn(signals: NodeJS.Signals[], app: INestApplication): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    Logger.log(`${signal} received: draining`, 'Bootstrap');
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`Shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, shutdown);
}

bootstrap().catch((error: unknown) => {
  // A configuration error is one readable message naming every bad variable, and exit code 1.
  const message =
    error instanceof ConfigException ? error.message : `Start-up failed: ${(error as Error)?.message ?? error}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
