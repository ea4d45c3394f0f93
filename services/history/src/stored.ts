import { AppError, isDatabaseUnavailable } from '@chorus/runtime';

/** Database outages become 503 UNAVAILABLE; everything else goes on unchanged. */
export async function stored<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw new AppError('UNAVAILABLE', 'History storage is unavailable, try again');
    throw err;
  }
}
