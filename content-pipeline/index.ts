// The public surface of the pure pipeline code: everything here runs in Node and in workerd alike,
// takes plain data and an explicit clock, and touches no binding.
export * from './signing/canonical.ts';
export * from './signing/headers.ts';
export * from './signing/keys.ts';
export * from './signing/sign.ts';
export * from './signing/timestamp.ts';
export * from './schemas/primitives.ts';
export * from './schemas/content-item.ts';
export * from './items/ids.ts';
export * from './items/state.ts';
export * from './twitch/clip.ts';
export * from './http/retry.ts';
export * from './twitch/helix.ts';
export * from './schemas/job.ts';
export * from './items/storage-keys.ts';
export * from './schemas/transcript.ts';
export * from './schemas/messages.ts';
export * from './ports.ts';
export * from './http/capped-fetch.ts';
export * from './twitch/clip-media.ts';
export * from './media/audio-sources.ts';
export * from './transcribe/transcribers.ts';
export * from './schemas/recap.ts';
export * from './schemas/github-event.ts';
export * from './github/webhook-signature.ts';
export * from './github/normalize-webhook.ts';
