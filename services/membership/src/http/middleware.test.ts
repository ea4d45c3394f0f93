import { describe, expect, it } from 'vitest';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '@chorus/runtime';
import { outageMapper } from './middleware.js';

function run(err: unknown, depsUp: boolean): unknown {
  let passed: unknown;
  const next: NextFunction = (e?: unknown) => {
    passed = e;
  };
  outageMapper(() => depsUp)(err, {} as Request, {} as Response, next);
  return passed;
}

describe('outageMapper', () => {
  it('passes AppErrors through untouched', () => {
    const e = new AppError('NOT_FOUND', 'x');
    expect(run(e, false)).toBe(e);
  });

  it('turns a driver network error into 503 UNAVAILABLE', () => {
    const e = Object.assign(new Error('boom'), { name: 'MongoNetworkError' });
    expect((run(e, true) as AppError).code).toBe('UNAVAILABLE');
  });

  it('turns an unknown error into 503 only while a dependency is down', () => {
    const e = new Error('weird');
    expect((run(e, false) as AppError).code).toBe('UNAVAILABLE');
    expect(run(e, true)).toBe(e);
  });

  it('leaves client errors of the body parser alone', () => {
    const e = Object.assign(new Error('bad json'), { status: 400, type: 'entity.parse.failed' });
    expect(run(e, false)).toBe(e);
  });
});
