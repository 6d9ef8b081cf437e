import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { validateEnvironment } from '../src/config/app-config.js';
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
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
// The services share their settings through anchors and merge keys (<<), which compose resolves too.
const compose = parse(composeText, { merge: true }) as Doc;
const composeApp = compose.services['agent-assist'];
/** The cluster profile's replicas of the service: those that NATS_URL puts in cluster mode. */
const composeReplicas = Object.entries(compose.services as Record<string, Doc>).filter(
  ([, service]) => composeEnv(service).NATS_URL !== undefined,
);
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

/** Cluster mode's overlay (NATS_URL): several replicas and the NATS servers they share. */
const CLUSTER = 'deploy/k8s/overlays/cluster';
const inCluster = (kind: string, file?: string) =>
  kinds(kind)
    .filter((m) => (file ? m.file === `${CLUSTER}/${file}` : m.file.startsWith(`${CLUSTER}/`)))
    .map((m) => m.doc);

function clusterKustomization(): Doc {
  const found = inCluster('Kustomization');
  expect(found, `one Kustomization in ${CLUSTER}`).toHaveLength(1);
  return found[0];
}

/** The patch file (`patches: - path:`) of the cluster overlay that patches this kind. */
function clusterPatch(kind: string): Doc {
  const paths = (clusterKustomization().patches ?? []).flatMap((patch: Doc) => (patch.path ? [patch.path] : []));
  const found = paths.flatMap((path: string) => inCluster(kind, path));
  expect(found, `one ${kind} patch file in ${CLUSTER}`).toHaveLength(1);
  return found[0];
}

/** The cluster overlay's inline patches (`patches: - patch: |-`), parsed: JSON6902 lists or strategic merges. */
function clusterInlinePatches(): { target?: Doc; body: any }[] {
  return (clusterKustomization().patches ?? [])
    .filter((patch: Doc) => typeof patch.patch === 'string')
    .map((patch: Doc) => ({ target: patch.target, body: parse(patch.patch) }));
}

/** What the cluster overlay sets in the ConfigMap (JSON6902 add/replace of /data/NAME). */
function clusterConfigMapData(): Record<string, string> {
  return Object.fromEntries(
    clusterInlinePatches()
      .filter(({ target }) => target?.kind === 'ConfigMap' && target.name === configMap.metadata.name)
      .flatMap(({ body }) => body as Doc[])
      .filter((op) => ['add', 'replace'].includes(op.op) && op.path.startsWith('/data/'))
      .map((op) => [op.path.slice('/data/'.length), String(op.value)]),
  );
}

function kubectlInstalled(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function render(overlay: string): Doc[] {
  const rendered = execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(rendered).map((d) => d.toJS() as Doc);
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
      'deploy/k8s/overlays/cluster/kustomization.yaml',
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
      ...Object.fromEntries(
        composeReplicas.map(([name, service]) => [`docker-compose ${name}`, Object.keys(service.environment)]),
      ),
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
    // Single-pod mode: the base and every overlay but cluster (NATS_URL), which the tests below check.
    const singlePod = kinds('Kustomization').filter((m) => !m.file.startsWith(`${CLUSTER}/`));
    expect(singlePod).toHaveLength(3);
    for (const { file, doc } of singlePod) {
      expect(doc.replicas, `${file}: no single-pod overlay scales it`).toBeUndefined();
      expect(JSON.stringify(doc.patches ?? []), file).not.toMatch(/replicas|strategy|NATS_URL/);
    }
    expect(configMap.data.NATS_URL, 'the base is single-pod').toBeUndefined();
    expect(readFileSync(join(K8S, 'base/deployment.yaml'), 'utf8')).toMatch(
      /Cluster mode \(NATS_URL set, overlays\/cluster\)/,
    );

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

  it('renders the single-pod overlays with kustomize when kubectl is installed', (context) => {
    if (!kubectlInstalled()) return context.skip('kubectl is not installed');
    for (const overlay of ['dev', 'prod']) {
      const docs = render(overlay);
      const dep = docs.find((d) => d.kind === 'Deployment')!;
      expect(dep.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
      expect(dep.metadata.namespace).toMatch(/^cxone-agent-assist/);
      const secretName = dep.spec.template.spec.volumes.find((v: Doc) => v.secret).secret.secretName;
      const secrets = docs.filter((d) => d.kind === 'Secret');
      if (overlay === 'dev') expect(secrets.map((s) => s.metadata.name)).toEqual([secretName]);
      else expect(secrets, 'prod never ships a Secret').toEqual([]);
    }
  });

  describe('cluster mode (NATS_URL)', () => {
    it('scales the Deployment with a rolling update that never drops a replica, and keeps two in a drain', () => {
      const dep = clusterPatch('Deployment');
      expect(dep.metadata.name).toBe(deployment.metadata.name);
      expect(dep.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(dep.spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
      expect(dep.spec.strategy.rollingUpdate.maxSurge).toBeGreaterThanOrEqual(1);

      const pdb = clusterPatch('PodDisruptionBudget');
      expect(pdb.metadata.name).toBe(one('PodDisruptionBudget').metadata.name);
      expect(pdb.spec.minAvailable).toBe(2);
      expect(pdb.spec.maxUnavailable, "removes the base's maxUnavailable").toBeNull();
      expect(pdb.spec.minAvailable, 'a drain can still evict one').toBeLessThan(dep.spec.replicas);
    });

    it("gives each pod its own feedback store instead of the base's ReadWriteOnce claim", () => {
      const claimVolume = pod.volumes.find((v: Doc) => v.persistentVolumeClaim);
      const patched = clusterPatch('Deployment').spec.template.spec.volumes.find(
        (v: Doc) => v.name === claimVolume.name,
      );
      expect(patched.emptyDir).toBeDefined();
      expect(patched.persistentVolumeClaim, 'removes the claim from the volume').toBeNull();
      const deletes = clusterInlinePatches()
        .map(({ body }) => body)
        .filter((body) => body?.$patch === 'delete');
      expect(deletes).toContainEqual(
        expect.objectContaining({ kind: 'PersistentVolumeClaim', metadata: { name: pvc.metadata.name } }),
      );
      expect(readFileSync(join(ROOT, CLUSTER, 'deployment-patch.yaml'), 'utf8')).toMatch(
        /only until JetStream holds it[\s\S]*rebuilt on a new pod from the cluster's lessons log/,
      );
    });

    it("points NATS_URL at every server of nats.yaml's StatefulSet, and the config takes it", () => {
      expect(clusterKustomization().resources).toEqual(expect.arrayContaining(['../../base', 'nats.yaml']));
      const data = clusterConfigMapData();
      const [sts] = inCluster('StatefulSet', 'nats.yaml');
      const service = inCluster('Service', 'nats.yaml').find((s) => s.metadata.name === sts.spec.serviceName)!;
      const client = service.spec.ports.find((p: Doc) => p.name === 'client').port;
      expect(data.NATS_URL.split(',')).toEqual(
        Array.from(
          { length: sts.spec.replicas },
          (_, i) => `nats://${sts.metadata.name}-${i}.${service.metadata.name}:${client}`,
        ),
      );
      const config = validateEnvironment({
        ...configMap.data,
        ...data,
        CXONE_CLIENT_ID: 'id',
        CXONE_CLIENT_SECRET: 'secret',
      });
      expect(config.cluster).toMatchObject({ enabled: true, name: configMap.data.CLUSTER_NAME });
      expect(config.cluster.servers).toHaveLength(sts.spec.replicas);
    });

    it('runs a 3-node NATS cluster with JetStream as a StatefulSet (nats.yaml), non-root', () => {
      const statefulSets = inCluster('StatefulSet', 'nats.yaml');
      expect(statefulSets).toHaveLength(1);
      const [sts] = statefulSets;
      expect(sts.spec.replicas).toBe(3);
      const natsPod = sts.spec.template.spec;
      const nats = natsPod.containers[0];
      expect(nats.image).toBe('nats:2.10-alpine');

      const service = inCluster('Service', 'nats.yaml').find((s) => s.metadata.name === sts.spec.serviceName)!;
      expect(service.metadata.name).toBe('nats');
      expect(service.spec.clusterIP, 'headless').toBe('None');
      const ports = Object.fromEntries(service.spec.ports.map((p: Doc) => [p.name, p.port]));
      expect(ports).toEqual({ client: 4222, cluster: 6222, monitor: 8222 });
      for (const [name, port] of Object.entries(ports))
        expect(nats.ports.find((p: Doc) => p.name === name)?.containerPort, name).toBe(port);

      const configVolume = natsPod.volumes.find((v: Doc) => v.configMap);
      const conf: string = inCluster('ConfigMap', 'nats.yaml').find(
        (m) => m.metadata.name === configVolume.configMap.name,
      )!.data['nats.conf'];
      const configMount = nats.volumeMounts.find((m: Doc) => m.name === configVolume.name);
      expect(nats.command.join(' ')).toContain(`${configMount.mountPath}/nats.conf`);
      expect(conf).toMatch(/^jetstream \{\n\s+store_dir: \/data\n\s+max_file_store: 10Gi\n\}/m);
      const store = nats.volumeMounts.find((m: Doc) => m.mountPath === '/data');
      expect(sts.spec.volumeClaimTemplates.map((t: Doc) => t.metadata.name)).toContain(store.name);
      expect(conf).toMatch(new RegExp(`^cluster \\{[^}]*port: ${ports.cluster}\\n`, 'm'));
      expect(conf).toMatch(new RegExp(`^http_port: ${ports.monitor}$`, 'm'));
      for (let i = 0; i < sts.spec.replicas; i++)
        expect(conf).toContain(`nats://${sts.metadata.name}-${i}.${service.metadata.name}:${ports.cluster}`);

      const readiness = nats.readinessProbe.httpGet;
      expect(readiness.path).toBe('/healthz?js-enabled-only=true');
      expect(nats.ports.find((p: Doc) => p.name === readiness.port)?.containerPort).toBe(ports.monitor);
      expect(natsPod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
      expect(natsPod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(nats.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      // NATS's pods are not the service's: its selectors must not pick them.
      const natsLabels = sts.spec.template.metadata.labels;
      expect(Object.entries(deployment.spec.selector.matchLabels).every(([k, v]) => natsLabels[k] === v)).toBe(false);

      const readme = readFileSync(join(ROOT, CLUSTER, 'kustomization.yaml'), 'utf8');
      expect(readme).toContain('helm install nats nats/nats --set config.jetstream.enabled=true');
      expect(readme).toMatch(/ONE replica[\s\S]*single-pod mode/);
    });

    it('renders the cluster overlay with kustomize when kubectl is installed', (context) => {
      if (!kubectlInstalled()) return context.skip('kubectl is not installed');
      const docs = render('cluster');
      const dep = docs.find((d) => d.kind === 'Deployment')!;
      expect(dep.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(dep.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      expect(dep.metadata.namespace).toMatch(/^cxone-agent-assist/);
      const store = dep.spec.template.spec.volumes.find((v: Doc) => v.name === 'feedback-store');
      expect(store.emptyDir).toBeDefined();
      expect(store.persistentVolumeClaim).toBeUndefined();
      expect(
        docs.filter((d) => d.kind === 'PersistentVolumeClaim'),
        'no claim to share',
      ).toEqual([]);
      const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget' && d.metadata.name === dep.metadata.name)!;
      expect(pdb.spec).toMatchObject({ minAvailable: 2 });
      expect(pdb.spec.maxUnavailable).toBeUndefined();
      const config = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === configMap.metadata.name)!;
      expect(config.data.NATS_URL).toMatch(/^nats:\/\//);
      const sts = docs.find((d) => d.kind === 'StatefulSet')!;
      expect(sts.metadata).toMatchObject({ name: 'nats', namespace: dep.metadata.namespace });
      const natsLabels = sts.spec.template.metadata.labels;
      expect(Object.entries(dep.spec.selector.matchLabels).every(([k, v]) => natsLabels[k] === v)).toBe(false);
      expect(
        docs.filter((d) => d.kind === 'Secret'),
        'never ships a Secret',
      ).toEqual([]);
    });

    it('adds a compose profile `cluster`: NATS with JetStream and two replicas on it; the default services have no profile', () => {
      const services = compose.services as Record<string, Doc>;
      const always = Object.keys(services).filter((name) => services[name].profiles === undefined);
      expect(always.sort(), 'docker compose up starts these, as before').toEqual(['agent-assist', 'cxone-sim']);
      expect(composeText).toContain('docker compose --profile cluster up --build');

      const nats = services.nats;
      expect(nats.profiles).toEqual(['cluster']);
      expect(nats.image).toBe('nats:2.10-alpine');
      const args: string[] = [nats.command].flat().join(' ').split(/\s+/);
      expect(args).toContain('-js');
      const storeDir = args[args.indexOf('-sd') + 1];
      const monitorPort = args[args.indexOf('-m') + 1];
      expect(storeDir).toBe('/data');
      expect(monitorPort).toBe('8222');
      const natsVolume = nats.volumes
        .map((v: string) => String(v).split(':'))
        .find(([, path]: string[]) => path === storeDir);
      expect(Object.keys(compose.volumes)).toContain(natsVolume?.[0]);
      expect(nats.healthcheck.test.join(' ')).toContain(`wget -q -O- http://127.0.0.1:${monitorPort}/healthz`);

      expect(composeReplicas.map(([name]) => name)).toEqual(['agent-assist-a', 'agent-assist-b']);
      const hostPorts = [String(composeApp.ports[0]).split(':')[0]];
      const stores = [String(composeApp.volumes[0]).split(':')[0]];
      for (const [name, replica] of composeReplicas) {
        expect(replica.profiles, name).toEqual(['cluster']);
        const { NATS_URL, ...environment } = composeEnv(replica);
        expect(NATS_URL).toBe('nats://nats:4222');
        expect(environment, `${name}: the service's settings`).toEqual(composeEnv(composeApp));
        for (const key of ['build', 'image', 'env_file', 'read_only', 'tmpfs', 'stop_grace_period', 'healthcheck'])
          expect(replica[key], `${name}: ${key}`).toEqual(composeApp[key]);
        expect(replica.depends_on).toMatchObject({
          nats: { condition: 'service_healthy' },
          'cxone-sim': { condition: 'service_healthy' },
        });
        expect(validateEnvironment(composeEnv(replica)).cluster).toMatchObject({
          enabled: true,
          servers: ['nats://nats:4222'],
        });
        expect(replica.ports).toHaveLength(1);
        const [hostPort, containerPort] = String(replica.ports[0]).split(':');
        expect(containerPort).toBe(String(DEFAULTS.PORT));
        hostPorts.push(hostPort);
        const [store, path] = String(replica.volumes[0]).split(':');
        expect(path).toBe(composeApp.environment.FEEDBACK_STORE_PATH);
        expect(Object.keys(compose.volumes)).toContain(store);
        stores.push(store);
      }
      expect(hostPorts).toEqual(['3000', '3001', '3002']);
      expect(new Set(stores).size, 'each replica has its own feedback store').toBe(3);
    });
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
