import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ACCEPTED_VARIABLES, EnvironmentVariables } from '../src/config/environment.variables.js';
import { STREAM_PATH } from '../src/simulator/index.js';
import { readStandaloneSettings, SIM_VARIABLES } from '../src/simulator/standalone-settings.js';
import { type AppProcess, sleep } from './support/app-process.js';
import { composeEnv, startComposeStack } from './support/compose-stack.js';
import type { SimulatorProcess } from './support/simulator-process.js';

/**
 * The deployment files agree with the code: every manifest under deploy/k8s, docker-compose.yml, the
 * Dockerfile and the .env examples are parsed, and their probe paths and ports are asked of the running app.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const K8S = join(ROOT, 'deploy/k8s');
const DEFAULTS = new EnvironmentVariables();
const ACCEPTED = new Set(ACCEPTED_VARIABLES);

type Doc = Record<string, any>;
interface Manifest {
  file: string;
  doc: Doc;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const files = yamlFiles(K8S);
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    expect(document.errors, file).toEqual([]);
    return { file: file.slice(ROOT.length), doc: document.toJS() as Doc };
  }),
);
const kinds = (kind: string) => manifests.filter((m) => m.doc?.kind === kind);
const one = (kind: string) => {
  const found = kinds(kind).filter((m) => m.file.includes('/base/'));
  expect(found, `one ${kind} in the base`).toHaveLength(1);
  return found[0].doc;
};

const deployment = one('Deployment');
const configMap = one('ConfigMap');
const service = one('Service');
const pvc = one('PersistentVolumeClaim');
const secretExample = one('Secret');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Doc;
const composeApp = compose.services['agent-assist'];
const composeSim = compose.services['cxone-sim'];
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ENV_EXAMPLES = ['.env.example', '.env.production.example'];

/** `NAME=value` and commented-out `# NAME=` lines of an env file. */
function envFileNames(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
}

/** Variables a kustomize patch sets in a ConfigMap (`/data/NAME`). */
function patchedConfigMapNames(): string[] {
  return kinds('Kustomization').flatMap(({ doc }) =>
    (doc.patches ?? []).flatMap((patch: { patch?: string }) =>
      [...(patch.patch ?? '').matchAll(/path: \/data\/([A-Z0-9_]+)/g)].map((match) => match[1]),
    ),
  );
}

function portOf(value: number | string): number {
  if (typeof value === 'number') return value;
  const named = container.ports.find((port: { name: string }) => port.name === value);
  expect(named, `container port named ${value}`).toBeDefined();
  return named.containerPort;
}

function healthcheckUrl(command: string): URL {
  const match = /'(http:\/\/127\.0\.0\.1:)'\+\(process\.env\.PORT\|\|(\d+)\)\+'([^']+)'/.exec(command);
  expect(match, command).not.toBeNull();
  return new URL(`${match![1]}${match![2]}${match![3]}`);
}

describe('deployment configuration (e2e)', () => {
  it('parses every manifest, and the kustomizations list only files that exist', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const { file, doc } of kinds('Kustomization')) {
      const dir = join(ROOT, posix.dirname(file));
      for (const resource of doc.resources ?? [])
        expect(statSync(join(dir, resource)), `${file}: ${resource}`).toBeTruthy();
    }
    expect(
      kinds('Kustomization')
        .map((m) => m.file)
        .sort(),
    ).toEqual([
      'deploy/k8s/base/kustomization.yaml',
      'deploy/k8s/overlays/dev/kustomization.yaml',
      'deploy/k8s/overlays/prod/kustomization.yaml',
    ]);
  });

  it('sets only variables the config accepts, in manifests, compose and the .env examples', () => {
    const sources: Record<string, string[]> = {
      'ConfigMap data': Object.keys(configMap.data),
      'container env': (container.env ?? []).map((entry: { name: string }) => entry.name),
      'kustomize patches': patchedConfigMapNames(),
      'docker-compose agent-assist': Object.keys(composeApp.environment),
      Dockerfile: [...dockerfile.matchAll(/^ENV (.*)$/gm)].flatMap((m) =>
        m[1].split(/\s+/).map((kv) => kv.split('=')[0]),
      ),
      ...Object.fromEntries(ENV_EXAMPLES.map((file) => [file, envFileNames(file)])),
    };
    for (const [source, names] of Object.entries(sources)) {
      expect(names.length, source).toBeGreaterThan(0);
      expect(
        names.filter((name) => !ACCEPTED.has(name)),
        `${source} sets variables the config does not accept`,
      ).toEqual([]);
    }
  });

  it('keeps the .env examples in sync with every variable the config accepts', () => {
    for (const file of ENV_EXAMPLES) {
      const named = new Set(envFileNames(file));
      expect(
        ACCEPTED_VARIABLES.filter((name) => !named.has(name)),
        `${file} does not mention`,
      ).toEqual([]);
    }
  });

  it('mounts the feedback volume where FEEDBACK_STORE_PATH points', () => {
    const storePath = configMap.data.FEEDBACK_STORE_PATH;
    expect(storePath).toBe('/data');
    const claimVolume = pod.volumes.find((v: Doc) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    expect(claimVolume, 'a volume from the PVC').toBeDefined();
    const mount = container.volumeMounts.find((m: Doc) => m.name === claimVolume.name);
    expect(mount.mountPath).toBe(storePath);
    expect(mount.readOnly ?? false).toBe(false);

    expect(composeApp.environment.FEEDBACK_STORE_PATH).toBe(storePath);
    const [named, path] = String(composeApp.volumes[0]).split(':');
    expect(path).toBe(storePath);
    expect(Object.keys(compose.volumes)).toContain(named);

    expect(dockerfile).toMatch(new RegExp(`FEEDBACK_STORE_PATH=${storePath}\\b`));
    expect(dockerfile).toContain(`VOLUME ["${storePath}"]`);
  });

  it('builds a service image without the simulator or the sandbox; compose builds the simulator from its own target', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const runtime = stages.at(-1)!; // the default target
    expect(runtime).toMatch(/^node:\S+ AS runtime/);
    expect(runtime).toContain('COPY --from=build /app/dist-production ./dist');
    expect(runtime).not.toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(dockerfile).toMatch(/rm -rf dist-production\/simulator dist-production\/sandbox/);
    expect(compose.services['cxone-sim'].build).toMatchObject({ target: 'simulator' });
    expect(stages.some((stage) => /^node:\S+ AS simulator/.test(stage))).toBe(true);
  });

  it('runs one replica with the Recreate strategy, and drains within the grace periods', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    // Two pods read one stream and push every card twice: the manifest must say so.
    expect(readFileSync(join(K8S, 'base/deployment.yaml'), 'utf8')).toMatch(/every card twice/);
    for (const { doc } of kinds('Kustomization')) expect(doc.replicas, 'no overlay scales it').toBeUndefined();

    const drainSeconds = Number(configMap.data.SHUTDOWN_DRAIN_MS ?? DEFAULTS.SHUTDOWN_DRAIN_MS) / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
    // The pipeline drain and the feedback drain are each bounded by SHUTDOWN_DRAIN_MS, one after the other.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(2 * drainSeconds + 5);
    const composeGrace = Number(/^(\d+)s$/.exec(composeApp.stop_grace_period)![1]);
    expect(composeGrace).toBeGreaterThanOrEqual(2 * drainSeconds + 5);
  });

  it('hardens the pod: non-root uid 1000, read-only root, no escalation, no capabilities, tmpfs /tmp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts.find((m: Doc) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v: Doc) => v.name === tmp.name).emptyDir).toBeDefined();
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(one('PodDisruptionBudget').spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('reads the credentials from the mounted secret files; the example holds placeholders only', () => {
    const env = Object.fromEntries(container.env.map((entry: Doc) => [entry.name, entry.value]));
    const secretVolume = pod.volumes.find((v: Doc) => v.secret);
    const mount = container.volumeMounts.find((m: Doc) => m.name === secretVolume.name);
    expect(mount.readOnly).toBe(true);
    expect(secretVolume.secret.secretName).toBe(secretExample.metadata.name);
    const files = secretVolume.secret.items.map((item: Doc) => `${mount.mountPath}/${item.path}`);
    expect(files).toEqual([env.CXONE_CLIENT_ID_FILE, env.CXONE_CLIENT_SECRET_FILE]);
    expect(Object.keys(secretExample.stringData).sort()).toEqual(
      secretVolume.secret.items.map((item: Doc) => item.key).sort(),
    );
    for (const value of Object.values(secretExample.stringData)) expect(value).toMatch(/^REPLACE_/);
    expect(configMap.data.CXONE_CLIENT_ID).toBeUndefined();
    expect(configMap.data.CXONE_CLIENT_SECRET).toBeUndefined();
    const base = kinds('Kustomization').find((m) => m.file.includes('/base/'))!.doc;
    expect(base.resources, 'the example is never applied by the base').not.toContain('secret.example.yaml');
  });

  it('renders both overlays with kustomize when kubectl is installed', (context) => {
    let kubectl = true;
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      kubectl = false;
    }
    if (!kubectl) return context.skip('kubectl is not installed');
    for (const overlay of ['dev', 'prod']) {
      const rendered = execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], { encoding: 'utf8' });
      const docs = parseAllDocuments(rendered).map((d) => d.toJS() as Doc);
      const dep = docs.find((d) => d.kind === 'Deployment')!;
      expect(dep.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
      expect(dep.metadata.namespace).toMatch(/^cxone-agent-assist/);
      const secretName = dep.spec.template.spec.volumes.find((v: Doc) => v.secret).secret.secretName;
      const secrets = docs.filter((d) => d.kind === 'Secret');
      if (overlay === 'dev') expect(secrets.map((s) => s.metadata.name)).toEqual([secretName]);
      else expect(secrets, 'prod never ships a Secret').toEqual([]);
    }
  });

  it('runs the standalone simulator in compose, with SIM_* settings it reads, and points the service at it', () => {
    expect(composeSim.command).toEqual(['node', 'dist/simulator/main.js']);
    const simEnv = composeEnv(composeSim);
    expect(Object.keys(simEnv).length).toBeGreaterThan(0);
    expect(
      Object.keys(simEnv).filter((name) => !(SIM_VARIABLES as readonly string[]).includes(name)),
      'docker-compose cxone-sim sets variables the simulator does not read',
    ).toEqual([]);
    const settings = readStandaloneSettings(simEnv); // throws, naming the variable, on a bad value
    expect(settings.play, 'compose up plays conversations').toBe(true);
    expect(settings.host, 'reachable from the service container').toBe('0.0.0.0');

    const simOrigin = `http://cxone-sim:${settings.port}`;
    expect(composeEnv(composeApp)).toMatchObject({
      CXONE_TOKEN_URL: `${simOrigin}/oauth/token`,
      CXONE_API_BASE_URL: simOrigin,
      CXONE_STREAM_URL: `${simOrigin.replace(/^http/, 'ws')}${STREAM_PATH}`,
      CXONE_CLIENT_ID: settings.clientId,
      CXONE_CLIENT_SECRET: settings.clientSecret,
    });
    expect(composeApp.depends_on['cxone-sim'].condition).toBe('service_healthy');
    expect(composeSim.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${settings.port}/`);
  });

  /** docker compose up, without Docker: both services from compose's own environment, on loopback. */
  describe('against the running compose stack', () => {
    let simulator: SimulatorProcess;
    let app: AppProcess;

    beforeAll(async () => {
      ({ simulator, app } = await startComposeStack(composeSim, composeApp));
      await app.waitForReady();
    });

    afterAll(async () => {
      const appExit = await app?.stop();
      const simulatorExit = await simulator?.stop();
      expect(appExit).toBe(0);
      expect(simulatorExit).toBe(0);
    });

    it('shows the simulator playing and the service pushing cards in the logs', async () => {
      const cards = await simulator.waitForLine(/^\[cxone-sim\] cards for sim-1-conv-voicemail-pin-\S+: \S/, 30_000);
      const interactionId = /cards for (\S+):/.exec(cards)![1];
      expect(simulator.lines(/^\[cxone-sim\] playing "/).length).toBeGreaterThan(0);
      // The service logs its push once the simulator has answered it.
      const pushed = new RegExp(`Pushed \\d+ card\\(s\\) for interaction ${interactionId}\\b`);
      for (const deadline = Date.now() + 5000; !pushed.test(app.logs) && Date.now() < deadline;) await sleep(50);
      expect(app.logs).toMatch(pushed);
    });

    async function get(path: string): Promise<number> {
      return (await fetch(`${app.baseUrl}${path}`)).status;
    }

    it('serves the probe paths, on the port the manifests and compose use', async () => {
      const port = Number(configMap.data.PORT);
      expect(port).toBe(DEFAULTS.PORT);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const { path, port: probePort } = container[probe].httpGet;
        expect(portOf(probePort), probe).toBe(port);
        expect(await get(path), `${probe} ${path}`).toBe(200);
      }
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(portOf(service.spec.ports[0].targetPort)).toBe(port);

      const annotations = deployment.spec.template.metadata.annotations;
      expect(Number(annotations['prometheus.io/port'])).toBe(port);
      expect(await get(annotations['prometheus.io/path'])).toBe(200);

      const composeCheck = healthcheckUrl(composeApp.healthcheck.test.join(' '));
      expect(Number(composeCheck.port)).toBe(port);
      expect(composeApp.ports).toContain(`${port}:${port}`);
      expect(await get(composeCheck.pathname)).toBe(200);
      const dockerCheck = healthcheckUrl(/^HEALTHCHECK[\s\S]*?CMD (.*)$/m.exec(dockerfile)![1]);
      expect(await get(dockerCheck.pathname)).toBe(200);
      expect(dockerfile).toContain(`EXPOSE ${port}`);
    });
  });
});
