import { isChorusError } from '@chorus/client';

/** A human sentence for any failure; VALIDATION_FAILED lists the offending fields. */
export function errorMessage(err: unknown): string {
  if (isChorusError(err)) {
    if (err.code === 'VALIDATION_FAILED' && Array.isArray(err.details) && err.details.length)
      return err.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    if (err.code === 'RATE_LIMITED' && err.details && 'retryAfterMs' in err.details)
      return `${err.message} (try again in ${Math.ceil(err.details.retryAfterMs / 1000)} s)`;
    return err.message;
  }
  return err instanceof Error ? err.message : 'Something went wrong';
}

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {errorMessage(error)}
    </p>
  );
}
