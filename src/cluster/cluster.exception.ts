export enum ClusterErrorCode {
  /** The lease or a claim could not be read or written (NATS unreachable, a timeout, JetStream refused). */
  StoreFailed = 'CLUSTER_STORE_FAILED',
  /** A verdict could not be put in the JetStream work queue (it stays in the local store, retried). */
  QueueFailed = 'CLUSTER_QUEUE_FAILED',
  /** A lesson or a pushed card's question could not be written to or read from the shared learning. */
  LessonsFailed = 'CLUSTER_LESSONS_FAILED',
}

/** A failure of cluster mode's NATS side; the message never carries the server URL or its credentials. */
export class ClusterException extends Error {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterException';
  }
}
