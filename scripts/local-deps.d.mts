export function portAnswers(port: number, host?: string, timeoutMs?: number): Promise<boolean>;
export function localDependencies(options?: {
  env?: Record<string, string | undefined>;
  dataDir?: string;
  mongoPort?: number;
  log?: (line: string) => void;
}): Promise<{ urls: { MONGODB_URI?: string; REDIS_URL?: string; AMQP_URL?: string }; stop: () => Promise<void> }>;
