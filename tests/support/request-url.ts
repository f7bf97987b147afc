// The URL a `fetch` wrapper was called with, whichever of fetch's input forms it came as.
export const requestUrl = (input: RequestInfo | URL): URL => new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
