import { describeActivity } from './activity-log.js';
import { connectionBanner } from './connection-banner.js';
import { playConversation } from './conversation-player.js';
import { CxoneSimulator } from './cxone-simulator.js';
import { loadConversations } from './data-files.js';
import { PlayLoop } from './play-loop.js';
import { SimulatedAgent } from './simulated-agent.js';
import { readStandaloneSettings, StandaloneSettingsError, type StandaloneSettings } from './standalone-settings.js';

/** How long an agent looks at a card before clicking, in script time (divided by the play speed). */
const AGENT_READING_MS = 1500;
/** A stop that takes longer than this is stuck: exit 1 rather than hang the container. */
const STOP_DEADLINE_MS = 5000;

const log = (line: string): void => console.log(`[cxone-sim] ${line}`);

/**
 * Standalone simulator (`npm run sim`, the compose service): serves the CXone APIs and, unless SIM_PLAY=false,
 * plays the scripted conversations to whoever connects to the stream. Settings: `SIM_*`, see the README.
 */
async function main(): Promise<void> {
  const settings = readSettingsOrExit();
  const simulator = new CxoneSimulator({
    ...settings,
    accessKeys: [{ id: settings.accessKeyId, secret: settings.accessKeySecret }],
    expert: { key: settings.expertKey, secret: settings.expertSecret, user: settings.expertUser },
    quiet: false,
  });
  const loop = settings.play
    ? new PlayLoop({
        conversations: loadConversations(),
        play: (conversation, interactionId, signal) =>
          playConversation(
            conversation,
            { interactionId, speed: settings.playSpeed },
            (e) => simulator.send(e),
            signal,
          ),
        listeners: () => simulator.openConnections(),
        pauseMs: settings.playPauseMs,
        log,
      })
    : undefined;
  const agent =
    loop && settings.agentVerdicts
      ? new SimulatedAgent({
          conversationOf: (interactionId) => loop.conversationOf(interactionId),
          send: (event) => simulator.send(event),
          readingMs: AGENT_READING_MS / settings.playSpeed,
        })
      : undefined;
  simulator.onActivity((activity) => {
    const line = describeActivity(activity);
    if (line) log(line);
    if (activity.kind === 'request' && activity.endpoint === 'cards') agent?.onCardsPushed(activity.request);
  });
  // Before listening, so a signal during start-up also ends in a clean exit.
  exitZeroOn(['SIGTERM', 'SIGINT'], async () => {
    agent?.stop();
    await loop?.stop();
    await simulator.stop();
  });
  await simulator.start();
  console.log(connectionBanner(simulator, settings));
  loop?.start();
}

function readSettingsOrExit(): StandaloneSettings {
  try {
    return readStandaloneSettings(process.env);
  } catch (error) {
    if (!(error instanceof StandaloneSettingsError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/**
 * Compose and `npm run sim` stop it with SIGTERM/SIGINT, possibly twice (the terminal and npm both forward
 * Ctrl-C): the first signal stops everything and exits 0, later ones are ignored; a stuck stop exits 1.
 */
function exitZeroOn(signals: NodeJS.Signals[], stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, stopping`);
    setTimeout(() => {
      console.error(`[cxone-sim] did not stop within ${STOP_DEADLINE_MS} ms`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[cxone-sim] did not stop cleanly: ${(error as Error)?.message ?? error}`);
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, shutdown);
}

main().catch((error: unknown) => {
  console.error(`CXone simulator failed to start: ${(error as Error)?.message ?? error}`);
  process.exit(1);
});
