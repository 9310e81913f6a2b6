import type { Agent } from 'node:http';

/** A GET's status through `agent`, undefined without an answer in 5 s (not listening yet, or stalled). */
export function statusOf(url: string, agent: Agent): Promise<number | undefined>;
