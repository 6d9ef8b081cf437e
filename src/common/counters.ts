import { Injectable } from '@nestjs/common';

/**
 * In-process counters of what the service refused, retried and dropped. Health details show them;
 * the operations issue exports the same names to Prometheus.
 */
@Injectable()
export class Counters {
  private readonly values = new Map<string, number>();

  increment(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  snapshot(prefix = ''): Record<string, number> {
    const entries = [...this.values].filter(([name]) => name.startsWith(prefix));
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }
}
