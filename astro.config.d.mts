// Types for astro.config.mjs, for the site tests that render Markdown with the site's own processor.
import type { AstroUserConfig } from 'astro';

declare const config: AstroUserConfig;
export default config;
