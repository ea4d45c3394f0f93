import type { TestProject } from 'vitest/node';
import { resolveTestDependencies, type TestDependencies } from './dependencies.js';

declare module 'vitest' {
  export interface ProvidedContext {
    deps: TestDependencies;
  }
}

/** Resolves MongoDB, Redis and RabbitMQ once per run and hands their URLs to every test file. */
export default async function setup(project: TestProject) {
  const { deps, stop } = await resolveTestDependencies();
  project.provide('deps', deps);
  return stop;
}
