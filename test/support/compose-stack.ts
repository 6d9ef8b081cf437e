import { AppProcess, freePort } from './app-process.js';
import { SimulatorProcess } from './simulator-process.js';

type ComposeService = { environment?: Record<string, any> };

/** A compose service's environment as the process sees it (YAML numbers and booleans become text). */
export function composeEnv(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]));
}

/**
 * `docker compose up` without Docker: the simulator and the service as child processes with the compose
 * file's own environment, the simulator on a free loopback port instead of `cxone-sim:<SIM_PORT>`.
 */
export async function startComposeStack(
  simulatorService: ComposeService,
  appService: ComposeService,
): Promise<{ simulator: SimulatorProcess; app: AppProcess }> {
  const simEnv = composeEnv(simulatorService);
  const port = await freePort();
  const simulator = new SimulatorProcess({ ...simEnv, SIM_HOST: '127.0.0.1', SIM_PORT: String(port) }).start();
  await simulator.waitForLine(/^CXone simulator ready/);
  const composeOrigin = `cxone-sim:${simEnv.SIM_PORT}`;
  const appEnv = Object.fromEntries(
    Object.entries(composeEnv(appService)).map(([name, value]) => [
      name,
      value.replace(composeOrigin, `127.0.0.1:${port}`),
    ]),
  );
  delete appEnv.FEEDBACK_STORE_PATH; // the container's volume; AppProcess gives each run its own directory
  const app = await new AppProcess(appEnv).start();
  return { simulator, app };
}
