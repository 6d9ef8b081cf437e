import type { EnvironmentVariables } from './environment.variables.js';

/** Cluster mode on NATS JetStream: chosen by NATS_URL; unset is the single-pod mode with the local store. */
export interface ClusterConfig {
  enabled: boolean;
  /** NATS servers; may carry credentials (user:password@), so never logged. */
  servers: string[];
  /** Names the buckets and subjects: replicas with the same name (and NATS) are one cluster for one tenant. */
  name: string;
  /** A leader that stops renewing loses the stream after this long; a standby then takes it over. */
  leaseTtlMs: number;
}

export const DEFAULT_CLUSTER_NAME = 'agent-assist';

/** NATS_URL's servers: comma-separated, blanks ignored (none: single-pod mode). */
export function natsServers(natsUrl: string | undefined): string[] {
  return (natsUrl ?? '')
    .split(',')
    .map((server) => server.trim())
    .filter(Boolean);
}

export function toClusterConfig(vars: EnvironmentVariables): ClusterConfig {
  const servers = natsServers(vars.NATS_URL);
  return { enabled: servers.length > 0, servers, name: vars.CLUSTER_NAME, leaseTtlMs: vars.CLUSTER_LEASE_TTL_MS };
}
