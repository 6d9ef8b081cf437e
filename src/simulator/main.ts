import { CxoneSimulator } from './cxone-simulator.js';

/** Standalone simulator: `npm run sim`, then point the service at the printed URLs. */
async function main(): Promise<void> {
  const clientId = process.env.SIM_CLIENT_ID ?? 'sandbox-client';
  const clientSecret = process.env.SIM_CLIENT_SECRET ?? 'sandbox-secret';
  const port = Number.parseInt(process.env.SIM_PORT ?? '4000', 10);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`SIM_PORT must be a port number, got "${process.env.SIM_PORT}"`);
    process.exit(1);
  }
  const simulator = new CxoneSimulator({
    port,
    host: process.env.SIM_HOST ?? '127.0.0.1',
    clientId,
    clientSecret,
    quiet: false,
  });
  await simulator.start();
  console.log(
    [
      'CXone simulator ready. Configure the service with:',
      `  CXONE_TOKEN_URL=${simulator.tokenUrl}`,
      `  CXONE_API_BASE_URL=${simulator.baseUrl}`,
      `  CXONE_STREAM_URL=${simulator.streamUrl}`,
      `  CXONE_CLIENT_ID=${clientId}`,
      `  CXONE_CLIENT_SECRET=${clientSecret}`,
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    console.log(`${signal} received, stopping the simulator`);
    simulator.stop().then(
      () => (process.exitCode = 0),
      (error: unknown) => {
        console.error('simulator did not stop cleanly:', error);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error('CXone simulator failed to start:', error);
  process.exit(1);
});
