// swagger-ui-dist ships no types; the one function used here.
declare module 'swagger-ui-dist' {
  /** The folder holding swagger-ui.css, swagger-ui-bundle.js and the rest. */
  export function getAbsoluteFSPath(): string;
}
