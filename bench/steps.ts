import { cpuMeter } from './stats.js';
import { runWorkload, type WorkloadParams, type WorkloadResult, type WorkloadUser } from './workload.js';

/** A stepped scenario: the same users, the offered load raised step by step until a step fails. */
export interface StepScenario {
  name: string;
  /** Offered sends per second over all users, one step each. */
  steps: number[];
  /** Seconds per step: warm-up (not counted), then measured. */
  warmupMs: number;
  durationMs: number;
  drainMs: number;
  /** A step passes with every message delivered once, in order, at send → delivered p99 below this. */
  p99LimitMs: number;
}

export interface StepResult {
  offered: number;
  pass: boolean;
  /** Why it failed, when it did. */
  reasons: string[];
  result: WorkloadResult;
  /** Busy share of one core per process over the measured window (the generator is `bench`). */
  cpu: Record<string, number | null>;
}

export interface SteppedRun {
  scenario: string;
  target: string;
  steps: StepResult[];
  /** Highest offered load of a passing step before the first failing one (0 if the first failed). */
  capacity: number;
}

/** Every measured message acked and delivered once to every member, in id order, p99 under the limit, no errors. */
export function judge(r: WorkloadResult, p99LimitMs: number): string[] {
  const reasons: string[] = [];
  if (r.acked < r.sent) reasons.push(`${r.sent - r.acked} not acked`);
  if (r.missingDeliveries > 0) reasons.push(`${r.missingDeliveries} missing`);
  if (r.duplicateDeliveries > 0) reasons.push(`${r.duplicateDeliveries} duplicate`);
  if (r.outOfOrderDeliveries > 0) reasons.push(`${r.outOfOrderDeliveries} out of order`);
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  if (errors > 0) reasons.push(`${errors} errors`);
  if (!(r.sendToDelivered.p99 < p99LimitMs)) reasons.push(`p99 ${r.sendToDelivered.p99.toFixed(0)} ms`);
  return reasons;
}

/**
 * Runs the steps in order against one target and stops after its first failing step (the next, heavier
 * ones would fail too and only cost time). Each user sends every 0.5–1.5× its mean interval (open loop),
 * so the offered rate over all users is the step's.
 */
export async function runSteps(
  target: string,
  users: WorkloadUser[],
  scenario: StepScenario,
  base: WorkloadParams,
  log: (line: string) => void,
  pids: Record<string, number | undefined> = {},
): Promise<SteppedRun> {
  const steps: StepResult[] = [];
  let capacity = 0;
  for (const offered of scenario.steps) {
    const meanMs = (users.length * 1000) / offered;
    const params: WorkloadParams = {
      ...base,
      warmupMs: scenario.warmupMs,
      durationMs: scenario.durationMs,
      drainMs: scenario.drainMs,
      minIntervalMs: meanMs * 0.5,
      maxIntervalMs: meanMs * 1.5,
      ackTimeoutMs: Math.min(base.ackTimeoutMs, scenario.drainMs + scenario.durationMs),
    };
    let meter: ReturnType<typeof cpuMeter> | undefined;
    let cpu: Record<string, number | null> = {};
    const result = await runWorkload(`${target} ${scenario.name} ${offered}/s`, users, params, {
      log,
      onMeasureStart: () => (meter = cpuMeter({ bench: process.pid, ...pids })),
      onMeasureEnd: () => (cpu = meter?.stop() ?? {}),
    });
    const reasons = judge(result, scenario.p99LimitMs);
    const pass = reasons.length === 0;
    steps.push({ offered, pass, reasons, result, cpu });
    log(
      `${target} ${scenario.name} ${offered}/s: ${pass ? 'pass' : `FAIL (${reasons.join(', ')})`}; delivered p99 ${result.sendToDelivered.p99.toFixed(1)} ms`,
    );
    if (!pass) break;
    capacity = offered;
  }
  return { scenario: scenario.name, target, steps, capacity };
}
