import type { MdastPluginDefinition } from 'satteri';
export function isSafeUrl(url: unknown): boolean;
export const safeMarkdown: MdastPluginDefinition;
export default safeMarkdown;
